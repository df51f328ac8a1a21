package account

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/mail"
	"github.com/kartamieszkanca/platform/shared/phone"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// View is the account as GET /account shows it.
type View struct {
	AccountID string    `json:"accountId"`
	Email     string    `json:"email"`
	Phone     *string   `json:"phone"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
	ProfileID *string   `json:"profileId"`
	Household bool      `json:"household"`
}

func view(a *store.Account) View {
	v := View{AccountID: a.AccountID, Email: a.Email, Status: a.Status, CreatedAt: a.CreatedAt.UTC(), Household: a.Head}
	if a.Phone != "" {
		v.Phone = &a.Phone
	}
	if a.ProfileID != "" {
		v.ProfileID = &a.ProfileID
	}
	return v
}

// Get serves GET /account (R6.1): the account was read by the state check.
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		return httpapi.JSON(200, view(r.Account)), nil
	}
}

type phoneBody struct {
	Phone string `json:"phone"`
}

func (b *phoneBody) Validate(c *httpapi.Checks) {
	if c.Required("phone", b.Phone) {
		if _, ok := phone.Normalize(b.Phone); !ok {
			c.Fail("phone", "invalid_phone")
		}
	}
}

var errChanged = apierr.New(apierr.Conflict, "The account was changed at the same time; try again.")

// versioned conditions a change on the version the request read.
func versioned(a *store.Account) *expression.ConditionBuilder {
	return store.Cond(expression.Name("version").Equal(expression.Value(a.Version)))
}

// PutPhone serves PUT /account/phone (R6.1).
func PutPhone(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *phoneBody) (*httpapi.Response, error) {
		e164, _ := phone.Normalize(b.Phone)
		tx := &store.Tx{}
		tx.Update(r.Account.Key, expression.Set(expression.Name("phone"), expression.Value(e164)).
			Add(expression.Name("version"), expression.Value(1)), versioned(r.Account), errChanged)
		a := *r.Account
		a.Phone = e164
		return httpapi.JSON(200, view(&a)).With(tx), nil
	})
}

// DeletePhone serves DELETE /account/phone (R6.1).
func DeletePhone(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		tx := &store.Tx{}
		tx.Update(r.Account.Key, expression.Remove(expression.Name("phone")).
			Add(expression.Name("version"), expression.Value(1)), versioned(r.Account), errChanged)
		return httpapi.NoContent().With(tx), nil
	}
}

type changePasswordBody struct {
	CurrentPassword   string `json:"currentPassword"`
	NewPassword       string `json:"newPassword"`
	NewPasswordRepeat string `json:"newPasswordRepeat"`
}

func (b *changePasswordBody) Validate(c *httpapi.Checks) {
	c.Required("currentPassword", b.CurrentPassword)
	checkRepeated(c, b.NewPassword, b.NewPasswordRepeat)
}

// ChangePassword serves POST /account/password (R6.3): the current password is
// checked by Cognito, the new one set there, and the owner is told by mail.
func ChangePassword(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *changePasswordBody) (*httpapi.Response, error) {
		if b.CurrentPassword == b.NewPassword {
			return nil, apierr.Invalid(apierr.FieldError{Field: "newPassword", Code: "same_as_current"})
		}
		acc := r.Account
		tok, err := d.Identity().Login(ctx, acc.Email, b.CurrentPassword)
		if apierr.Is(err, apierr.InvalidCredentials) {
			return nil, &apierr.Error{Code: CurrentPasswordInvalid, Message: "The current password is wrong.",
				Fields: []apierr.FieldError{{Field: "currentPassword", Code: "invalid"}}}
		}
		if err != nil {
			return nil, err
		}
		// The check's own session is not handed out: end it at once.
		_ = d.Identity().Revoke(ctx, tok.RefreshToken)
		if err := d.Identity().SetPassword(ctx, acc.Email, b.NewPassword); err != nil {
			return nil, err
		}
		now := d.Now()
		tx := &store.Tx{}
		mail.Enqueue(tx, now, "changed#"+store.Hash(acc.AccountID + now.String())[:32], mail.PasswordChanged, acc.Email,
			map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, nil)
		return httpapi.NoContent().With(tx), nil
	})
}
