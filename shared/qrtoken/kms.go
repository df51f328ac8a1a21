package qrtoken

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// KMSSigner signs with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY).
//
// It speaks KMS's JSON protocol itself (two operations, Sign and
// GetPublicKey, signed with the core SigV4 signer) rather than through the
// KMS client: the client's code and its package's init (endpoint rules,
// schemas) took the QR functions over 10 MB and cost every cold start of a
// function that only verifies tokens. kms_test.go holds its requests to the
// KMS client's.
type KMSSigner struct {
	// Key is the KMS key's id or ARN; it is also the tokens' kid.
	Key string
	// Endpoint is KMS's URL (https://kms.<region>.amazonaws.com by default).
	Endpoint string
	AWS      aws.Config
	// HTTP sends the requests (the SDK's client by default).
	HTTP interface {
		Do(*http.Request) (*http.Response, error)
	}
	// Now is the signing clock (time.Now by default).
	Now func() time.Time

	mu  sync.Mutex
	pub *ecdsa.PublicKey
}

// KeyID names the key in tokens.
func (k *KMSSigner) KeyID() string { return k.Key }

func (k *KMSSigner) SignDigest(ctx context.Context, digest []byte) ([]byte, error) {
	var out struct{ Signature []byte }
	err := k.call(ctx, "Sign", map[string]any{"KeyId": k.Key, "Message": digest,
		"MessageType": "DIGEST", "SigningAlgorithm": "ECDSA_SHA_256"}, &out)
	if err != nil {
		return nil, fmt.Errorf("qrtoken: kms sign: %w", err)
	}
	return out.Signature, nil
}

// PublicKey is read once per process (on first use, never during init); a
// failed read is tried again by the next caller.
func (k *KMSSigner) PublicKey(ctx context.Context) (*ecdsa.PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.pub != nil {
		return k.pub, nil
	}
	var out struct{ PublicKey []byte }
	if err := k.call(ctx, "GetPublicKey", map[string]any{"KeyId": k.Key}, &out); err != nil {
		return nil, fmt.Errorf("qrtoken: kms public key: %w", err)
	}
	pub, err := x509.ParsePKIXPublicKey(out.PublicKey)
	ec, ok := pub.(*ecdsa.PublicKey)
	if err != nil || !ok {
		return nil, errors.New("qrtoken: the KMS key is not an EC key")
	}
	k.pub = ec
	return ec, nil
}

// KMSError is KMS's answer to a failed call.
type KMSError struct {
	Status  int
	Type    string // e.g. ThrottlingException, NotFoundException
	Message string
}

func (e *KMSError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Message) }

// retryable are the answers the SDK's standard retryer tries again.
func (e *KMSError) retryable() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests ||
		strings.Contains(e.Type, "Throttling") || e.Type == "KMSInternalException"
}

// kmsAttempts is how many times a call is sent, as the SDK's standard retryer.
const kmsAttempts = 3

var (
	kmsSigner = v4.NewSigner()
	kmsHTTP   = awshttp.NewBuildableClient()
)

// call sends one KMS operation (JSON 1.1 protocol) and reads its answer.
func (k *KMSSigner) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var last error
	for i := range kmsAttempts {
		if i > 0 {
			// Backoff with jitter as the SDK's: up to 2^i × 100 ms.
			t := time.NewTimer(time.Duration(1+time.Now().UnixNano()%int64(100<<i)) * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		last = k.attempt(ctx, op, body, out)
		var ke *KMSError
		if last == nil || ctx.Err() != nil || errors.As(last, &ke) && !ke.retryable() {
			return last
		}
	}
	return last
}

func (k *KMSSigner) attempt(ctx context.Context, op string, body []byte, out any) error {
	creds, err := k.AWS.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	endpoint := k.Endpoint
	if endpoint == "" {
		endpoint = "https://kms." + k.AWS.Region + ".amazonaws.com"
		if strings.HasPrefix(k.AWS.Region, "cn-") {
			endpoint += ".cn"
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	sum := sha256.Sum256(body)
	now := time.Now
	if k.Now != nil {
		now = k.Now
	}
	if err := kmsSigner.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "kms", k.AWS.Region, now()); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	client := k.HTTP
	if client == nil {
		client = kmsHTTP
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &e)
		// The type may come as "namespace#Name".
		e.Type = e.Type[strings.LastIndex(e.Type, "#")+1:]
		return &KMSError{Status: res.StatusCode, Type: e.Type, Message: e.Message}
	}
	return json.Unmarshal(b, out)
}
