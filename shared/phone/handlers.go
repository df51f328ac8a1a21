package phone

import (
	"context"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

type phoneBody struct {
	Phone string `json:"phone"`
}

func (b *phoneBody) Validate(c *httpapi.Checks) {
	if c.Required("phone", b.Phone) {
		if _, ok := Normalize(b.Phone); !ok {
			c.Fail("phone", "invalid_phone")
		}
	}
}

// Put serves PUT /account/phone (R6.1).
func Put(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *phoneBody) (*httpapi.Response, error) {
		e164, _ := Normalize(b.Phone)
		tx := &store.Tx{}
		account.SetPhone(tx, r.Account, e164)
		a := *r.Account
		a.Phone = e164
		return httpapi.JSON(200, account.ToView(&a)).With(tx), nil
	})
}

// Delete serves DELETE /account/phone (R6.1).
func Delete(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		tx := &store.Tx{}
		account.SetPhone(tx, r.Account, "")
		return httpapi.NoContent().With(tx), nil
	}
}
