package account

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
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

func ToView(a *store.Account) View {
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
		return httpapi.JSON(200, ToView(r.Account)), nil
	}
}

var ErrChanged = apierr.New(apierr.Conflict, "The account was changed at the same time; try again.")

// Versioned conditions a change on the version the request read.
func Versioned(a *store.Account) *expression.ConditionBuilder {
	return store.Cond(expression.Name("version").Equal(expression.Value(a.Version)))
}

// DeletePhone serves DELETE /account/phone (R6.1).
func DeletePhone(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		tx := &store.Tx{}
		tx.Update(r.Account.Key, expression.Remove(expression.Name("phone")).
			Add(expression.Name("version"), expression.Value(1)), Versioned(r.Account), ErrChanged)
		return httpapi.NoContent().With(tx), nil
	}
}
