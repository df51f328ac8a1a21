package gateway_test

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// poolKey is cognito-local's signing key, which the tests use to craft tokens
// that are signed correctly but must be refused for their contents.
func poolKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	root, err := stack.Root()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, ".local", "emulators", "node_modules", "cognito-local", "lib", "keys", "cognitoLocal.private.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ PEM string }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(f.PEM))
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func payloadOf(t *testing.T, token string) map[string]any {
	t.Helper()
	b, err := b64d(strings.Split(token, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func encode(v any) string { b, _ := json.Marshal(v); return b64(string(b)) }

func signRS256(t *testing.T, k *rsa.PrivateKey, header map[string]any, claims map[string]any) string {
	t.Helper()
	in := encode(header) + "." + encode(claims)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + b64(string(sig))
}

// The local gateway refuses what the HTTP API's JWT authorizer refuses (issue
// 13): each token below is signed with the pool's own key (or forged as an
// attacker would) and differs from a good one in one respect only.
func TestGatewayIsStrict(t *testing.T) {
	e := testenv.Get(t)
	k := poolKey(t)
	_, tk := e.Resident(t)
	access, id := payloadOf(t, tk.AccessToken), payloadOf(t, tk.IDToken)
	rs := map[string]any{"alg": "RS256", "kid": "CognitoLocal", "typ": "JWT"}
	now := time.Now().Unix()
	with := func(base map[string]any, set map[string]any, drop ...string) map[string]any {
		c := maps.Clone(base)
		maps.Copy(c, set)
		for _, d := range drop {
			delete(c, d)
		}
		return c
	}
	// The pool's public key as PEM: what an HS256 confusion attack keys with.
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hs := func(claims map[string]any) string {
		in := encode(map[string]any{"alg": "HS256", "kid": "CognitoLocal", "typ": "JWT"}) + "." + encode(claims)
		m := hmac.New(sha256.New, pubPEM)
		m.Write([]byte(in))
		return in + "." + b64(string(m.Sum(nil)))
	}

	// Crafted good tokens pass: the refusals below are for the one change each makes.
	e.Call(t, "GET", "/account", signRS256(t, k, rs, access), nil).Expect(t, 200)
	e.Call(t, "GET", "/account", signRS256(t, k, rs, id), nil).Expect(t, 200)

	for name, bad := range map[string]string{
		"no exp":                    signRS256(t, k, rs, with(access, nil, "exp")),
		"expired":                   signRS256(t, k, rs, with(access, map[string]any{"exp": now - 60})),
		"exp as a string":           signRS256(t, k, rs, with(access, map[string]any{"exp": "9999999999"})),
		"nbf in the future":         signRS256(t, k, rs, with(access, map[string]any{"nbf": now + 3600})),
		"another issuer":            signRS256(t, k, rs, with(access, map[string]any{"iss": "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_other"})),
		"no issuer":                 signRS256(t, k, rs, with(access, nil, "iss")),
		"access for another client": signRS256(t, k, rs, with(access, map[string]any{"client_id": "another-client"})),
		"id for another audience":   signRS256(t, k, rs, with(id, map[string]any{"aud": "another-client"})),
		"id with client_id only":    signRS256(t, k, rs, with(id, map[string]any{"client_id": e.Resources.ClientID}, "aud")),
		"token_use refresh":         signRS256(t, k, rs, with(access, map[string]any{"token_use": "refresh"})),
		"no token_use":              signRS256(t, k, rs, with(access, nil, "token_use")),
		"groups as a string":        signRS256(t, k, rs, with(access, map[string]any{"cognito:groups": "operators"})),
		"no sub":                    signRS256(t, k, rs, with(access, nil, "sub")),
		"unknown kid":               signRS256(t, k, map[string]any{"alg": "RS256", "kid": "another-key"}, access),
		"no kid":                    signRS256(t, k, map[string]any{"alg": "RS256"}, access),
		"alg RS512":                 strings.Replace(signRS256(t, k, rs, access), encode(rs), encode(map[string]any{"alg": "RS512", "kid": "CognitoLocal"}), 1),
		"alg none":                  encode(map[string]any{"alg": "none", "typ": "JWT"}) + "." + encode(access) + ".",
		"HS256 with the public key": hs(access),
		"refresh token as bearer":   tk.RefreshToken,
	} {
		t.Run(name, func(t *testing.T) {
			res := e.Call(t, "GET", "/account", bad, nil)
			if res.Status != 401 || !strings.Contains(res.Header.Get("WWW-Authenticate"), "invalid_token") {
				t.Fatalf("status %d (%s), want 401 invalid_token", res.Status, res.Body)
			}
		})
	}
}

func b64d(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
