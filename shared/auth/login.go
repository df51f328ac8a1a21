package auth

import (
	"context"
	"errors"
	"slices"
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
			if claims, err = identity.ReadClaims(tok.AccessToken); err != nil {
				return nil, err
			}
		}
		now := d.Now()
		tx := &store.Tx{}
		sk := store.SessionKey(store.Hash(tok.RefreshToken))
		tx.Put(&account.Session{Key: sk, Index2: store.OwnerIndex(acc.AccountID, sk), AccountID: acc.AccountID,
			CreatedAt: now.Unix(), TTL: now.Add(sessionTTL).Unix(),
			TokenIDs: []string{account.TokenID(claims.OriginJTI, claims.AuthTime)}}, nil, nil)
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
// own revocation is missing. Tokens that name their session by another id
// than the session knows (auth_time, without origin_jti) are added to it, so
// logout ends them too.
func Refresh(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *refreshBody) (*httpapi.Response, error) {
		s, _, err := session(ctx, store.Of(d), b.RefreshToken)
		if err != nil {
			return nil, err
		}
		tok, err := identity.Of(d).Refresh(ctx, b.RefreshToken)
		if apierr.Is(err, apierr.InvalidCredentials) {
			return nil, errSessionEnded
		}
		if err != nil {
			return nil, err
		}
		claims, err := identity.ReadClaims(tok.AccessToken)
		if err != nil {
			return nil, err
		}
		id := account.TokenID(claims.OriginJTI, claims.AuthTime)
		tx := &store.Tx{}
		if !slices.Contains(s.TokenIDs, id) {
			// A logout that read the session before this is refused by the
			// count (its condition), so no token escapes it.
			tx.Update(s.Key, expression.Set(expression.Name("tokenIds"),
				expression.ListAppend(expression.IfNotExists(expression.Name("tokenIds"), expression.Value([]string{})), expression.Value([]string{id}))),
				store.Exists(), errSessionEnded)
		}
		return httpapi.JSON(200, tok).With(tx), nil
	})
}

// Logout serves POST /auth/logout (R2.3): the session is removed, its refresh
// token revoked in Cognito, and its access and ID tokens ended at once: their
// ids go on the account, which the gate reads on every request anyway. A
// token that is not the caller's is 404; one already logged out is 204.
func Logout(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *refreshBody) (*httpapi.Response, error) {
		key := store.SessionKey(store.Hash(b.RefreshToken))
		notYours := apierr.New(apierr.NotFound, "No such session.")
		var s account.Session
		err := store.Of(d).Get(ctx, key, &s)
		tx := &store.Tx{}
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Logged out before: the refresh token is revoked again, harmlessly.
		case err != nil:
			return nil, err
		case s.AccountID != r.Account.AccountID:
			return nil, notYours
		default:
			tokens := expression.Size(expression.Name("tokenIds")).Equal(expression.Value(len(s.TokenIDs)))
			if len(s.TokenIDs) == 0 {
				tokens = expression.AttributeNotExists(expression.Name("tokenIds"))
			}
			tx.Delete(key, store.Cond(expression.Name("accountId").Equal(expression.Value(r.Account.AccountID)).And(tokens)),
				apierr.New(apierr.Conflict, "The session was refreshed at the same time; log out again."))
			if len(s.TokenIDs) > 0 {
				tx.Change(r.Account.Key, r.Account.Version,
					expression.Set(expression.Name("endedTokens"), expression.Value(r.Account.Ended(s.TokenIDs, d.Now()))),
					nil, account.ErrChanged)
			}
		}
		identity.AfterRevoke(tx, d.Now(), b.RefreshToken)
		return httpapi.NoContent().With(tx), nil
	})
}
