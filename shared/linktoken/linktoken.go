// Package linktoken makes the secrets of mailed links (activation, password
// reset, family invitation): 32 random bytes, of which only the SHA-256 is stored.
package linktoken

import (
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Lifetimes of the links.
const (
	ActivationTTL = 48 * time.Hour
	ResetTTL      = time.Hour
	InvitationTTL = 7 * 24 * time.Hour
	// ResendCooldown is the least time between two link mails to one account.
	ResendCooldown = time.Minute
)

// New returns a token for the link and the hash to store.
func New() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, store.Hash(token)
}

// Valid reports whether a presented token is well-formed: 32 bytes, base64url.
// Malformed tokens are answered like unknown ones, without a table read.
func Valid(token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(b) == 32
}
