package upload

// The functions that check or show files (submit-application,
// decide-application, create-case, verify-card, list-cards…) reach S3 with
// the core SigV4 signer and plain HTTP rather than the S3 client: a HEAD, a
// ranged GET and presigned GETs are all they need, and the client's own code
// (endpoint rules, checksums, S3 Express, v4a) is about 1 MB, which took them
// over 10 MB. The client stays for what only tasks and create-upload do
// (copies, deletions, presigned POST forms).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// emptySHA256 is the payload hash of a request without a body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// s3Signer signs S3 requests: S3 takes the path as sent, escaped once
// (objectURL), where other services escape it again.
var s3Signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })

// objectURL is the address of a key of the files bucket: by path on the local
// S3 (as newS3Client addresses it), virtual-hosted at the regional endpoint in
// AWS, as the S3 client addresses the platform's (DNS-compatible) bucket.
func objectURL(d *platform.Deps, key string) string {
	bucket := d.Config.FilesBucket
	if ep := d.Endpoint("S3"); ep != nil {
		return strings.TrimRight(*ep, "/") + "/" + s3Escape(bucket) + "/" + s3Escape(key)
	}
	return "https://" + bucket + ".s3." + d.AWS.Region + "." + dnsSuffix(d.AWS.Region) + "/" + s3Escape(key)
}

// presignGet signs a GET of a key for ttl, with the answer's type and
// disposition pinned in the signed query: the URL S3's presign client makes
// for GetObject, byte for byte (s3http_internal_test.go).
func presignGet(ctx context.Context, d *platform.Deps, key, contentType, disposition string, ttl time.Duration, now time.Time) (string, error) {
	creds, err := d.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("upload: credentials: %w", err)
	}
	q := url.Values{}
	q.Set("response-content-type", contentType)
	q.Set("response-content-disposition", disposition)
	q.Set("x-id", "GetObject")
	q.Set("X-Amz-Expires", strconv.Itoa(int(ttl/time.Second)))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, objectURL(d, key)+"?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("upload: presign get: %w", err)
	}
	signed, _, err := s3Signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", d.AWS.Region, now)
	if err != nil {
		return "", fmt.Errorf("upload: presign get: %w", err)
	}
	return signed, nil
}

// statusError is S3's answer to a request that failed.
type statusError struct {
	Status int
	Code   string // S3's error code, when the answer had a body
}

func (e *statusError) Error() string { return fmt.Sprintf("upload: s3: %d %s", e.Status, e.Code) }

// busy is S3 asking to slow down (SlowDown, ServiceUnavailable: 503).
func (e *statusError) busy() bool {
	return e.Status == http.StatusServiceUnavailable || e.Code == "SlowDown"
}

// s3HTTP sends the files' requests; the SDK's client, with its timeouts.
var s3HTTP = awshttp.NewBuildableClient()

// attempts is how many times a request S3 found busy, or that did not reach
// it, is sent, as the SDK's standard retryer does.
const attempts = 3

// HTTPOptions are options of the requests sent without the S3 client, which
// tests add to Deps.Options as func(*HTTPOptions), as they add SDK middleware
// to the clients: faults the emulators cannot produce.
type HTTPOptions struct {
	// Call, if set, may fail a whole call of an operation ("HeadObject",
	// "GetObject"), retries included; Attempt one attempt of it.
	Call, Attempt func(operation string) error
}

// Throttled is S3's SlowDown, for faults injected through HTTPOptions.
var Throttled error = &statusError{Status: http.StatusServiceUnavailable, Code: "SlowDown"}

func httpOptions(d *platform.Deps) HTTPOptions {
	var o HTTPOptions
	for _, f := range platform.OptionsOf[HTTPOptions](d) {
		f(&o)
	}
	return o
}

// objectRequest sends a signed GET or HEAD of a key, with a Range if rng is
// set; a 2xx answer is returned with its body open, anything else as a
// *statusError (or a transport error) after the retries.
func objectRequest(ctx context.Context, d *platform.Deps, method, key, rng string) (*http.Response, error) {
	op := "GetObject"
	if method == http.MethodHead {
		op = "HeadObject"
	}
	opts := httpOptions(d)
	if opts.Call != nil {
		if err := opts.Call(op); err != nil {
			return nil, err
		}
	}
	var last error
	for i := range attempts {
		if i > 0 {
			// Backoff with jitter as the SDK's: up to 2^i × 100 ms.
			t := time.NewTimer(time.Duration(1+time.Now().UnixNano()%int64(100<<i)) * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		}
		var res *http.Response
		var err error
		if opts.Attempt != nil {
			err = opts.Attempt(op)
		}
		if err == nil {
			res, err = objectAttempt(ctx, d, method, key, rng)
		}
		var se *statusError
		switch {
		case err == nil:
			return res, nil
		case errors.As(err, &se) && !se.busy() && se.Status < 500:
			return nil, err
		case ctx.Err() != nil:
			return nil, err
		}
		last = err
	}
	return nil, last
}

func objectAttempt(ctx context.Context, d *platform.Deps, method, key, rng string) (*http.Response, error) {
	creds, err := d.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("upload: credentials: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, method, objectURL(d, key), nil)
	if err != nil {
		return nil, err
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	if err := s3Signer.SignHTTP(ctx, creds, req, emptySHA256, "s3", d.AWS.Region, d.Now()); err != nil {
		return nil, fmt.Errorf("upload: sign: %w", err)
	}
	res, err := s3HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("upload: s3 %s: %w", method, err)
	}
	if res.StatusCode/100 == 2 {
		return res, nil
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	return nil, &statusError{Status: res.StatusCode, Code: xmlCode(body)}
}

// xmlCode is the <Code> of S3's XML error body, if any.
func xmlCode(body []byte) string {
	s := string(body)
	i := strings.Index(s, "<Code>")
	j := strings.Index(s, "</Code>")
	if i < 0 || j < i {
		return ""
	}
	return s[i+len("<Code>") : j]
}

// headSize is an object's size (HEAD); a missing object is a 404 statusError.
func headSize(ctx context.Context, d *platform.Deps, key string) (int64, error) {
	res, err := objectRequest(ctx, d, http.MethodHead, key, "")
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.ContentLength, nil
}

// dnsSuffix is the domain of a region's partition (the platform deploys in
// the commercial one; China's regions have their own).
func dnsSuffix(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// s3Escape percent-encodes a key as SigV4 and S3 expect: every byte but the
// unreserved characters and the slashes between segments.
func s3Escape(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
