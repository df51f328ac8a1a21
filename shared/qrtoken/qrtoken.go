// Package qrtoken makes and checks the virtual card's QR tokens: compact JWS
// (ES256) with a key id, valid for at most a minute, so a screenshot of the QR
// code is soon worthless. The public keys are published (JWKS), so a verifier
// can check a token offline. In AWS the private key lives in KMS and never
// leaves it; locally it is a key from the environment.
package qrtoken

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// TTL is how long a token is valid.
const TTL = 60 * time.Second

// Type is the JWS typ of QR tokens, so no other JWT passes for one.
const Type = "karta-qr+jwt"

// Claims are a token's contents: the card and its validity, nothing personal.
type Claims struct {
	CardID string `json:"cid"`
	Number string `json:"num"`
	Issued int64  `json:"iat"`
	Expiry int64  `json:"exp"`
	ID     string `json:"jti"`
}

// Signer signs with one P-256 key.
type Signer interface {
	KeyID() string
	// SignDigest returns an ASN.1 DER ECDSA signature of a SHA-256 digest.
	SignDigest(ctx context.Context, digest []byte) ([]byte, error)
	PublicKey(ctx context.Context) (*ecdsa.PublicKey, error)
}

// Issue makes a token for a card.
func Issue(ctx context.Context, s Signer, cardID, number string, now time.Time) (string, time.Time, error) {
	jti := make([]byte, 12)
	_, _ = rand.Read(jti)
	exp := now.Add(TTL)
	tok, err := Sign(ctx, s, Type, Claims{CardID: cardID, Number: number, Issued: now.Unix(), Expiry: exp.Unix(),
		ID: base64.RawURLEncoding.EncodeToString(jti)})
	if err != nil {
		return "", time.Time{}, err
	}
	return tok, exp, nil
}

// Sign makes a compact JWS (ES256) of a payload with the QR key, typed typ:
// QR tokens and validity statements (R15.3) are checked with the same
// published keys, and their types keep one from passing for the other.
func Sign(ctx context.Context, s Signer, typ string, payload any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": typ, "kid": s.KeyID()})
	body, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	signing := b64(header) + "." + b64(body)
	digest := sha256.Sum256([]byte(signing))
	der, err := s.SignDigest(ctx, digest[:])
	if err != nil {
		return "", err
	}
	sig, err := joseSignature(der)
	if err != nil {
		return "", err
	}
	return signing + "." + b64(sig), nil
}

// VerifySigned checks a JWS of type typ against published keys (by kid) and
// reads its payload into out; the clock is the caller's concern.
func VerifySigned(token, typ string, keys map[string]*ecdsa.PublicKey, out any) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ErrInvalid
	}
	var h struct{ Alg, Typ, Kid string }
	if err := unb64JSON(parts[0], &h); err != nil || h.Alg != "ES256" || h.Typ != typ {
		return ErrInvalid
	}
	key := keys[h.Kid]
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if key == nil || err != nil || len(sig) != 64 {
		return ErrInvalid
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(key, digest[:], r, s) {
		return ErrInvalid
	}
	if err := unb64JSON(parts[1], out); err != nil {
		return ErrInvalid
	}
	return nil
}

// ErrInvalid is any token that does not verify, without saying why.
var ErrInvalid = errors.New("qrtoken: invalid token")

// ErrExpired is a token that verifies but whose minute is over (it is an
// ErrInvalid too): a verifier may say "show a fresh code".
var ErrExpired = fmt.Errorf("%w: expired", ErrInvalid)

// Verify checks a token against published keys (by kid) and the clock. An
// expired token's claims are returned with ErrExpired.
func Verify(token string, keys map[string]*ecdsa.PublicKey, now time.Time) (Claims, error) {
	var c Claims
	if err := VerifySigned(token, Type, keys, &c); err != nil || c.CardID == "" {
		return Claims{}, ErrInvalid
	}
	if now.Unix() >= c.Expiry {
		return c, ErrExpired
	}
	return c, nil
}

// JWK is a public key as published.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// PublicJWK publishes a signer's key.
func PublicJWK(ctx context.Context, s Signer) (JWK, error) {
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return JWK{}, err
	}
	raw, err := pub.Bytes() // 0x04 || x || y
	if err != nil || len(raw) != 65 {
		return JWK{}, fmt.Errorf("qrtoken: public key: %v", err)
	}
	x, y := raw[1:33], raw[33:]
	return JWK{Kty: "EC", Crv: "P-256", X: b64(x), Y: b64(y), Kid: s.KeyID(), Alg: "ES256", Use: "sig"}, nil
}

// KeyOf reads a published key back (verifiers).
func KeyOf(j JWK) (*ecdsa.PublicKey, error) {
	x, err1 := base64.RawURLEncoding.DecodeString(j.X)
	y, err2 := base64.RawURLEncoding.DecodeString(j.Y)
	if err1 != nil || err2 != nil || j.Kty != "EC" || j.Crv != "P-256" {
		return nil, fmt.Errorf("qrtoken: not a P-256 key")
	}
	uncompressed := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), uncompressed)
	if err != nil {
		return nil, fmt.Errorf("qrtoken: %w", err)
	}
	return pub, nil
}

// joseSignature turns an ASN.1 DER ECDSA signature into JWS's r||s.
func joseSignature(der []byte) ([]byte, error) {
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, fmt.Errorf("qrtoken: signature: %w", err)
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func unb64JSON(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// LocalSigner signs with a key held in memory (the local stack and tests).
type LocalSigner struct {
	Key *ecdsa.PrivateKey
	ID  string
}

// ParseLocal reads a base64 PKCS#8 P-256 key; its kid is derived from the
// public key, so the same key always has the same id.
func ParseLocal(b64Key string) (*LocalSigner, error) {
	der, err := base64.StdEncoding.DecodeString(b64Key)
	if err != nil {
		return nil, fmt.Errorf("qrtoken: key: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("qrtoken: key: %w", err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errors.New("qrtoken: the key is not P-256")
	}
	pub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	sum := sha256.Sum256(pub)
	return &LocalSigner{Key: ec, ID: "local-" + b64(sum[:8])}, nil
}

// NewLocalKey makes a base64 PKCS#8 P-256 key for ParseLocal.
func NewLocalKey() string {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return base64.StdEncoding.EncodeToString(der)
}

func (l *LocalSigner) KeyID() string { return l.ID }

func (l *LocalSigner) SignDigest(_ context.Context, digest []byte) ([]byte, error) {
	return ecdsa.SignASN1(rand.Reader, l.Key, digest)
}

func (l *LocalSigner) PublicKey(context.Context) (*ecdsa.PublicKey, error) {
	return &l.Key.PublicKey, nil
}
