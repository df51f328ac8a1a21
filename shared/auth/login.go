package auth

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// sessionTTL matches the app client's refresh token validity.
const sessionTTL = 30 * 24 * time.Hour

type loginBody struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (b *loginBody) Validate(c *httpapi.Checks) {
	c.Required("email", b.Email)
	c.Required("password", b.Password)
}

// Login serves POST /auth/login (R2.1, R2.2). Cognito checks the credentials;
// the platform then checks the account's state, so a not-activated or blocked
// account is told so only by someone who knows its password.
func Login(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *loginBody) (*httpapi.Response, error) {
		email := store.NormalizeEmail(b.Email)
		tok, err := identity.Of(d).Login(ctx, email, b.Password)
		if err != nil {
			return nil, err
		}
		claims, err := identity.ReadClaims(tok.AccessToken)
		if err != nil {
			return nil, err
		}
		var acc account.Account
		err = store.Of(d).Get(ctx, store.AccountKey(claims.Sub), &acc)
		if errors.Is(err, store.ErrNotFound) || acc.Status == account.Erasing || acc.Status == account.Deleted {
			// An account being erased is gone for its owner from the erasure's
			// first step, as a missing one is.
			err = apierr.New(apierr.InvalidCredentials, "Wrong e-mail or password.")
		}
		if err == nil {
			// An account blocked for a withdrawn consent still logs in (R7.3):
			// the gate lets its token reach only the routes marked WhileBlocked.
			err = account.Gate(&acc, 0, true)
		}
		if err != nil {
			_ = identity.Of(d).Revoke(ctx, tok.RefreshToken)
			return nil, err
		}
		if claims.AuthTime < acc.SessionsValidAfter {
			// Sessions were ended within this second (a reset just now): a token
			// stamped with it would be refused, so authenticate once more after it.
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Until(time.Unix(acc.SessionsValidAfter, 0))):
			}
			_ = identity.Of(d).Revoke(ctx, tok.RefreshToken)
			if tok, err = identity.Of(d).Login(ctx, email, b.Password); err != nil {
				return nil, err
			}
		}
		now := d.Now()
		tx := &store.Tx{}
		sk := store.SessionKey(store.Hash(tok.RefreshToken))
		tx.Put(&account.Session{Key: sk, Index2: store.OwnerIndex(acc.AccountID, sk), AccountID: acc.AccountID,
			CreatedAt: now.Unix(), TTL: now.Add(sessionTTL).Unix()}, nil, nil)
		return httpapi.JSON(200, tok).With(tx), nil
	})
}

type refreshBody struct {
	RefreshToken string `json:"refreshToken"`
}

func (b *refreshBody) Validate(c *httpapi.Checks) { c.Required("refreshToken", b.RefreshToken) }

var errSessionEnded = apierr.New(apierr.Unauthorized, "The session has ended; log in again.")

// session loads a refresh token's session and its account, and checks both.
func session(ctx context.Context, t *store.Table, refreshToken string) (*account.Session, *account.Account, error) {
	var s account.Session
	err := t.Get(ctx, store.SessionKey(store.Hash(refreshToken)), &s)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errSessionEnded
	}
	if err != nil {
		return nil, nil, err
	}
	var acc account.Account
	err = t.Get(ctx, store.AccountKey(s.AccountID), &acc)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errSessionEnded
	}
	if err != nil {
		return nil, nil, err
	}
	if err := account.Gate(&acc, s.CreatedAt, true); err != nil {
		return nil, nil, err
	}
	return &s, &acc, nil
}

// Refresh serves POST /auth/refresh (R2.3): only a session the platform still
// holds is refreshed, so logout, reset and blocking end it even where Cognito's
// own revocation is missing.
func Refresh(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *refreshBody) (*httpapi.Response, error) {
		if _, _, err := session(ctx, store.Of(d), b.RefreshToken); err != nil {
			return nil, err
		}
		tok, err := identity.Of(d).Refresh(ctx, b.RefreshToken)
		if apierr.Is(err, apierr.InvalidCredentials) {
			return nil, errSessionEnded
		}
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(200, tok), nil
	})
}

// Logout serves POST /auth/logout (R2.3): the session is removed and its refresh
// token revoked in Cognito. A token that is not the caller's is 404.
func Logout(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *refreshBody) (*httpapi.Response, error) {
		tx := &store.Tx{}
		tx.Delete(store.SessionKey(store.Hash(b.RefreshToken)),
			store.Cond(expression.AttributeNotExists(expression.Name("PK")).
				Or(expression.Name("accountId").Equal(expression.Value(r.Account.AccountID)))),
			apierr.New(apierr.NotFound, "No such session."))
		identity.AfterRevoke(tx, d.Now(), b.RefreshToken)
		return httpapi.NoContent().With(tx), nil
	})
}
