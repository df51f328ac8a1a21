package password

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// CurrentPasswordInvalid: the current password given to a password change is wrong.
var CurrentPasswordInvalid = apierr.Register("current_password_invalid", http.StatusUnprocessableEntity)

// Check fails field unless pw meets the policy (the user's own name and
// e-mail count as guessable).
func Check(c *httpapi.Checks, field, pw string, userInputs ...string) {
	if pw == "" {
		c.Fail(field, "required")
		return
	}
	if p := Problem(pw, userInputs...); p != "" {
		c.FailAs(apierr.PasswordPolicy, "The password must have 12 to 256 characters and must not be easy to guess.", field, p)
	}
}

// NewPasswordBody is a link token with a new password, typed twice: the body
// of a reset and of an invitation's acceptance.
type NewPasswordBody struct {
	Token             string `json:"token"`
	NewPassword       string `json:"newPassword"`
	NewPasswordRepeat string `json:"newPasswordRepeat"`
}

func (b *NewPasswordBody) Validate(c *httpapi.Checks) {
	c.Required("token", b.Token)
	CheckRepeated(c, b.NewPassword, b.NewPasswordRepeat)
}

// CheckRepeated: the two entries must match (R3.2) and meet the policy.
func CheckRepeated(c *httpapi.Checks, pw, repeat string) {
	if pw != repeat {
		c.FailAs(apierr.PasswordsDiffer, "The two passwords differ.", "newPasswordRepeat", "mismatch")
		return
	}
	Check(c, "newPassword", pw)
}

// Reset serves POST /auth/password/reset (R3.2, R3.3). The table decides
// first: the link must be the account's newest reset link, unused and
// unexpired, when its lease on the password is taken; only then is the
// password set in Cognito, and under the lease the link is used up, every
// session and every other link ends and the owner is told. A superseded link
// answers 410 and changes nothing anywhere.
func Reset(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *NewPasswordBody) (*httpapi.Response, error) {
		t := store.Of(d)
		tok, hash, err := auth.ReadToken(ctx, t, b.Token, linktoken.PurposeReset)
		if err != nil {
			return nil, err
		}
		lease, err := auth.TakePasswordLease(ctx, t, tok.AccountID, "reset",
			expression.Name("resetHash").Equal(expression.Value(hash)).
				And(expression.Name("status").Equal(expression.Value(account.Active))),
			auth.ErrTokenInvalid)
		if err != nil {
			return nil, err
		}
		if err := identity.Of(d).SetPassword(ctx, tok.Email, b.NewPassword); err != nil {
			lease.Release(ctx, d)
			return nil, err
		}
		now := d.Now()
		tx := &store.Tx{}
		tx.Delete(store.TokenKey(hash), nil, nil)
		lease.Finish(tx, now.Unix())
		outbox.Enqueue(tx, now, "changed#"+hash[:32], outbox.PasswordChanged, tok.Email,
			map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, nil)
		identity.AfterSignOut(tx, now, tok.Email)
		if err := lease.Commit(ctx, d, tx); err != nil {
			return nil, err
		}
		return httpapi.NoContent(), nil
	})
}

type changePasswordBody struct {
	CurrentPassword   string `json:"currentPassword"`
	NewPassword       string `json:"newPassword"`
	NewPasswordRepeat string `json:"newPasswordRepeat"`
}

func (b *changePasswordBody) Validate(c *httpapi.Checks) {
	c.Required("currentPassword", b.CurrentPassword)
	CheckRepeated(c, b.NewPassword, b.NewPasswordRepeat)
}

// Change serves POST /account/password (R6.3): the current password is
// checked by Cognito; the table then leases the account's password, Cognito
// sets the new one, and under the lease every session ends (the caller's
// too: the answer carries no tokens, so the client logs in again with the
// new password), every open reset link ends and the owner is told by mail.
func Change(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *changePasswordBody) (*httpapi.Response, error) {
		if b.CurrentPassword == b.NewPassword {
			return nil, apierr.Invalid(apierr.FieldError{Field: "newPassword", Code: "same_as_current"})
		}
		acc := r.Account
		tok, err := identity.Of(d).Login(ctx, acc.Email, b.CurrentPassword)
		if apierr.Is(err, apierr.InvalidCredentials) {
			return nil, &apierr.Error{Code: CurrentPasswordInvalid, Message: "The current password is wrong.",
				Fields: []apierr.FieldError{{Field: "currentPassword", Code: "invalid"}}}
		}
		if err != nil {
			return nil, err
		}
		// The check's own session is not handed out: end it at once.
		_ = identity.Of(d).Revoke(ctx, tok.RefreshToken)
		lease, err := auth.TakePasswordLease(ctx, store.Of(d), acc.AccountID, "change",
			expression.Name("status").Equal(expression.Value(account.Active)), account.ErrChanged)
		if err != nil {
			return nil, err
		}
		if err := identity.Of(d).SetPassword(ctx, acc.Email, b.NewPassword); err != nil {
			lease.Release(ctx, d)
			return nil, err
		}
		now := d.Now()
		tx := &store.Tx{}
		lease.Finish(tx, now.Unix())
		outbox.Enqueue(tx, now, "changed#"+store.Hash(lease.By)[:32], outbox.PasswordChanged, acc.Email,
			map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, nil)
		identity.AfterSignOut(tx, now, acc.Email)
		if err := lease.Commit(ctx, d, tx); err != nil {
			return nil, err
		}
		return httpapi.NoContent(), nil
	})
}
