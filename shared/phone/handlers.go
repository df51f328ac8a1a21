package phone

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
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
		tx.Update(r.Account.Key, expression.Set(expression.Name("phone"), expression.Value(e164)).
			Add(expression.Name("version"), expression.Value(1)), account.Versioned(r.Account), account.ErrChanged)
		a := *r.Account
		a.Phone = e164
		return httpapi.JSON(200, account.ToView(&a)).With(tx), nil
	})
}
