package qrtoken

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// fakeKMS answers Sign and GetPublicKey with a local key, and records the
// requests (there is no KMS emulator; the wire format is checked against
// the KMS client's own requests).
type fakeKMS struct {
	key  *LocalSigner
	mu   sync.Mutex
	reqs []recorded
	// busy answers this many requests with a throttling error first.
	busy int
}

type recorded struct {
	Target, ContentType, Scope string
	Body                       map[string]any
}

func (f *fakeKMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var in map[string]any
	_ = json.Unmarshal(b, &in)
	auth := r.Header.Get("Authorization")
	scope := ""
	if i := strings.Index(auth, "Credential="); i >= 0 {
		scope = strings.SplitN(auth[i:], ",", 2)[0]
		scope = scope[strings.Index(scope, "/")+1:]
		scope = scope[strings.Index(scope, "/")+1:] // region/service/aws4_request
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"), scope, in})
	busy := f.busy > 0
	f.busy--
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if busy {
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"__type":"ThrottlingException","message":"Rate exceeded"}`))
		return
	}
	switch r.Header.Get("X-Amz-Target") {
	case "TrentService.GetPublicKey":
		der, _ := x509.MarshalPKIXPublicKey(&f.key.Key.PublicKey)
		_ = json.NewEncoder(w).Encode(map[string]any{"KeyId": in["KeyId"], "PublicKey": der, "KeySpec": "ECC_NIST_P256"})
	case "TrentService.Sign":
		var digest []byte
		_ = json.Unmarshal(mustJSON(in["Message"]), &digest)
		sig, _ := ecdsa.SignASN1(rand.Reader, f.key.Key, digest)
		_ = json.NewEncoder(w).Encode(map[string]any{"KeyId": in["KeyId"], "Signature": sig, "SigningAlgorithm": "ECDSA_SHA_256"})
	default:
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"__type":"UnknownOperationException"}`))
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

// R4.3: in AWS the QR key stays in KMS: tokens are signed by KMS's Sign and
// checked with its GetPublicKey, sent as the KMS client sends them (same
// operation, content type, body and credential scope), so no function needs
// the client; a throttled call is retried.
func TestKMSSignerSpeaksAsTheKMSClient(t *testing.T) {
	ctx := context.Background()
	local, _ := ParseLocal(NewLocalKey())
	f := &fakeKMS{key: local}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg := aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "token")}
	const keyID = "arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-4000-8000-000000000000"

	digest := sha256.Sum256([]byte("payload"))
	sdk := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	if _, err := sdk.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: aws.String(keyID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.Sign(ctx, &kms.SignInput{KeyId: aws.String(keyID), Message: digest[:],
		MessageType: types.MessageTypeDigest, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256}); err != nil {
		t.Fatal(err)
	}
	want := f.reqs
	f.reqs = nil

	k := &KMSSigner{Key: keyID, Endpoint: srv.URL, AWS: cfg}
	pub, err := k.PublicKey(ctx)
	if err != nil || !pub.Equal(&local.Key.PublicKey) {
		t.Fatalf("public key: %v", err)
	}
	if _, err := k.SignDigest(ctx, digest[:]); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.reqs, want) {
		t.Fatalf("requests\n got %+v\nwant %+v", f.reqs, want)
	}

	// A token signed by KMS verifies with the key KMS publishes.
	f.busy = 1
	now := time.Unix(1_800_000_000, 0)
	tok, _, err := Issue(ctx, k, "01JCARD", "912345678903", now)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := Verify(tok, map[string]*ecdsa.PublicKey{keyID: pub}, now); err != nil || c.CardID != "01JCARD" {
		t.Fatalf("verify: %+v %v", c, err)
	}
	// KMS refusing (not throttling) is an error at once.
	f.busy = 0
	bad := &KMSSigner{Key: "missing", Endpoint: srv.URL + "/nowhere", AWS: cfg}
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"__type":"com.amazonaws.kms#NotFoundException","message":"no such key"}`))
	})
	var ke *KMSError
	if _, err := bad.PublicKey(ctx); err == nil || !asKMS(err, &ke) || ke.Type != "NotFoundException" {
		t.Fatalf("missing key: %v", err)
	}
}

func asKMS(err error, target **KMSError) bool { return errors.As(err, target) }
