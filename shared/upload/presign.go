package upload

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// presignGet signs a GET of the files bucket's object key for ttl, with the
// answer's type and disposition pinned in the signed query, as S3's presign
// client signs GetObject (the same URL, byte for byte: presign_internal_test.go).
// It uses the core SigV4 signer rather than the S3 client: the functions that
// only show photos (verify-card, list-cards…) then link no S3 client, whose own
// code is about 1 MB and took them over 10 MB.
func presignGet(ctx context.Context, d *platform.Deps, key, contentType, disposition string, ttl time.Duration, now time.Time) (string, error) {
	creds, err := d.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("upload: credentials: %w", err)
	}
	bucket := d.Config.FilesBucket
	var link string
	if ep := d.Endpoint("S3"); ep != nil {
		// The local S3 serves buckets by path only (as the client: newS3Client).
		link = strings.TrimRight(*ep, "/") + "/" + s3Escape(bucket) + "/" + s3Escape(key)
	} else {
		// Virtual-hosted style at the regional endpoint, as the S3 client
		// addresses the platform's (DNS-compatible) bucket.
		link = "https://" + bucket + ".s3." + d.AWS.Region + "." + dnsSuffix(d.AWS.Region) + "/" + s3Escape(key)
	}
	q := url.Values{}
	q.Set("response-content-type", contentType)
	q.Set("response-content-disposition", disposition)
	q.Set("x-id", "GetObject")
	q.Set("X-Amz-Expires", strconv.Itoa(int(ttl/time.Second)))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link+"?"+q.Encode(), nil)
	if err != nil {
		return "", fmt.Errorf("upload: presign get: %w", err)
	}
	signed, _, err := v4.NewSigner(func(o *v4.SignerOptions) {
		// S3 signs the path as sent, escaped once (s3Escape).
		o.DisableURIPathEscaping = true
	}).PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", d.AWS.Region, now)
	if err != nil {
		return "", fmt.Errorf("upload: presign get: %w", err)
	}
	return signed, nil
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
