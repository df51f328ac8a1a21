package entitlement

import (
	"context"

	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// List serves GET /profiles/{profileId}/packages (R4.8): the profile's
// entitlements with their status as of today.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		es, err := OfProfile(ctx, store.Of(d), p.ProfileID)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(200, httpapi.List[View]{Items: Views(es, citytime.Day(d.Now()))}), nil
	}
}
