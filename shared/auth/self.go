package auth

import (
	"context"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
)

// Get serves GET /account (R6.1): the account was read by the state check.
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		return httpapi.JSON(200, account.ToView(r.Account)), nil
	}
}
