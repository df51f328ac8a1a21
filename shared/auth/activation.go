// Package auth serves the account's lifecycle under /auth and /account:
// activation, login, refresh and logout, the mailed links, the password lease
// and staff accounts (R1.3, R2, R3.1, R6.1). The account item and its gate
// are package account; registration (signup), passwords (password) and phone
// numbers (phone) live apart so that only their functions link the password
// and phone libraries.
package auth

import (
	"context"
	"errors"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

type tokenBody struct {
	Token string `json:"token"`
}

func (b *tokenBody) Validate(c *httpapi.Checks) { c.Required("token", b.Token) }

var ErrTokenInvalid = apierr.New(apierr.TokenInvalid, "The link is used, expired or unknown.")

// ReadToken loads a link token of a purpose, or answers 410 token_invalid.
func ReadToken(ctx context.Context, t *store.Table, token, purpose string) (*linktoken.Token, string, error) {
	if !linktoken.Valid(token) {
		return nil, "", ErrTokenInvalid
	}
	hash := store.Hash(token)
	var tok linktoken.Token
	err := t.Get(ctx, store.TokenKey(hash), &tok)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", ErrTokenInvalid
	}
	if err != nil {
		return nil, "", err
	}
	if tok.Purpose != purpose || t.Now().Unix() >= tok.ExpiresAt {
		return nil, "", ErrTokenInvalid
	}
	return &tok, hash, nil
}

// Activate serves POST /auth/activate (R1.3): the token is used up and the
// account becomes active in one transaction, conditioned on the token being the
// account's newest activation link.
func Activate(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *tokenBody) (*httpapi.Response, error) {
		tok, hash, err := ReadToken(ctx, store.Of(d), b.Token, linktoken.PurposeActivation)
		if err != nil {
			return nil, err
		}
		tx := &store.Tx{}
		tx.Delete(store.TokenKey(hash), store.Exists(), ErrTokenInvalid)
		account.Activate(tx, tok.AccountID, hash, ErrTokenInvalid)
		// The head profile becomes active with its account.
		profile.Activate(tx, tok.HouseholdID, tok.ProfileID)
		identity.AfterVerifyEmail(tx, d.Now(), tok.Email)
		return httpapi.NoContent().With(tx), nil
	})
}
