package password

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
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

type newPasswordBody struct {
	Token             string `json:"token"`
	NewPassword       string `json:"newPassword"`
	NewPasswordRepeat string `json:"newPasswordRepeat"`
}

func (b *newPasswordBody) Validate(c *httpapi.Checks) {
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

// Reset serves POST /auth/password/reset (R3.2, R3.3): the new password
// is set in Cognito, the link is used up and every session ends.
func Reset(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *newPasswordBody) (*httpapi.Response, error) {
		tok, hash, err := account.ReadToken(ctx, store.Of(d), b.Token, store.PurposeReset)
		if err != nil {
			return nil, err
		}
		if err := identity.Of(d).SetPassword(ctx, tok.Email, b.NewPassword); err != nil {
			return nil, err
		}
		now := d.Now()
		tx := &store.Tx{}
		tx.Delete(store.TokenKey(hash), store.Exists(), account.ErrTokenInvalid)
		tx.Update(store.AccountKey(tok.AccountID), account.EndSessions(now.Unix()).Remove(expression.Name("resetHash")),
			store.Cond(expression.Name("resetHash").Equal(expression.Value(hash))), account.ErrTokenInvalid)
		outbox.Enqueue(tx, now, "changed#"+hash[:32], outbox.PasswordChanged, tok.Email,
			map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, nil)
		return httpapi.NoContent().With(tx).Then(account.SignOut(d, tok.Email)), nil
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
// checked by Cognito, the new one set there, and the owner is told by mail.
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
		if err := identity.Of(d).SetPassword(ctx, acc.Email, b.NewPassword); err != nil {
			return nil, err
		}
		now := d.Now()
		tx := &store.Tx{}
		outbox.Enqueue(tx, now, "changed#"+store.Hash(acc.AccountID + now.String())[:32], outbox.PasswordChanged, acc.Email,
			map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, nil)
		return httpapi.NoContent().With(tx), nil
	})
}
