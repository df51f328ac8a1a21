// Package cardqr serves the virtual card's QR code: short-lived signed tokens and
// the public keys that check them. It is apart from package card so that only
// these functions link the KMS client.
package cardqr

import (
	"context"
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/store"
)

type qrView struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// QR serves GET /profiles/{profileId}/cards/{cardId}/qr: a short-lived signed
// token for an active virtual card's QR code.
func QR(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		c, err := card.Load(ctx, store.Of(d), p.ProfileID, r.Params["cardId"])
		if err != nil {
			return nil, err
		}
		if c.Kind != card.Virtual || c.Status != card.Active {
			return nil, apierr.New(card.WrongState, "Only an active virtual card has a QR code.")
		}
		s, err := qrtoken.SignerOf(d)
		if err != nil {
			return nil, err
		}
		tok, exp, err := qrtoken.Issue(ctx, s, c.CardID, c.Number, d.Now().UTC())
		if err != nil {
			return nil, err
		}
		resp := httpapi.JSON(200, qrView{Token: tok, ExpiresAt: exp})
		resp.Headers = map[string]string{"Cache-Control": "no-store"}
		return resp, nil
	}
}

// Keys serves GET /cards/qr-keys: the public keys of QR tokens (JWKS), for
// verifiers that check tokens offline. Cacheable: keys change rarely, and a
// rotated key is published before it signs.
func Keys(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		s, err := qrtoken.SignerOf(d)
		if err != nil {
			return nil, err
		}
		j, err := qrtoken.PublicJWK(ctx, s)
		if err != nil {
			return nil, err
		}
		resp := httpapi.JSON(200, map[string][]qrtoken.JWK{"keys": {j}})
		resp.Headers = map[string]string{"Cache-Control": "public, max-age=3600"}
		return resp, nil
	}
}
