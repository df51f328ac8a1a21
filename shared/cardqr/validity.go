package cardqr

import (
	"context"
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/store"
)

// StatementType is the JWS typ of validity statements: signed with the QR
// key, and never taken for a QR token (whose typ differs).
const StatementType = "karta-validity+jwt"

// StatementTTL is how long a statement is offered as current; the fact it
// states does not change, the key that signs it may rotate.
const StatementTTL = 90 * 24 * time.Hour

// Reasons a card was not valid at the instant, as POST /verify names them.
const (
	reasonNotActive      = "not_active"
	reasonBlocked        = "blocked"
	reasonCancelled      = "cancelled"
	reasonAccountBlocked = "account_blocked"
)

// blockedWithAccount: block reasons that come from the holder's account.
var blockedWithAccount = map[string]bool{"consent_withdrawn": true, "account_blocked": true, "account_deleted": true}

// StatementPackage is a package the holder could use at the instant.
type StatementPackage struct {
	PackageID string `json:"packageId"`
	Name      string `json:"name"`
	ValidFrom string `json:"validFrom"`
	ValidTo   string `json:"validTo"`
}

// Statement is a validity statement's payload (R15.3).
type Statement struct {
	CardNumber string             `json:"cardNumber"`
	At         time.Time          `json:"at"`
	Valid      bool               `json:"valid"`
	Reason     *string            `json:"reason"`
	Packages   []StatementPackage `json:"packages"`
	Issued     int64              `json:"iat"`
	Expiry     int64              `json:"exp"`
}

type statementView struct {
	Statement string    `json:"statement"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// StandingAt is a card's validity at an instant, from its history: the last
// status it took at or before the instant, within its validity days. A card
// not issued yet was not active.
func StandingAt(c *card.Card, at time.Time) (bool, string) {
	status, comment := "", ""
	for _, ev := range c.History {
		if ev.At.After(at) {
			break
		}
		status, comment = ev.Status, ev.Comment
	}
	switch status {
	case card.Active:
	case card.Blocked:
		if blockedWithAccount[comment] {
			return false, reasonAccountBlocked
		}
		return false, reasonBlocked
	case card.Cancelled:
		return false, reasonCancelled
	default:
		return false, reasonNotActive
	}
	day := citytime.Today(at)
	if (c.ValidFrom != "" && day < c.ValidFrom) || (c.ValidTo != "" && day > c.ValidTo) {
		return false, reasonNotActive
	}
	return true, ""
}

// Validity serves GET /profiles/{profileId}/cards/{cardId}/validity?at=
// (R15.3): a statement, signed with the QR key (checkable with GET
// /cards/qr-keys), of whether the card was valid at a past instant and which
// packages it carried then. The card's history gives its status; the
// entitlements' dates give the packages (an entitlement is extended in place,
// so its days are its current ones).
func Validity(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		now := d.Now().UTC()
		raw := r.Query["at"]
		if raw == "" {
			return nil, apierr.Invalid(apierr.FieldError{Field: "at", Code: "required"})
		}
		at, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return nil, apierr.Invalid(apierr.FieldError{Field: "at", Code: "invalid"})
		}
		if at.After(now) {
			return nil, apierr.Invalid(apierr.FieldError{Field: "at", Code: "in_future"})
		}
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		c, h, err := card.LoadHeld(ctx, store.Of(d), p.ProfileID, r.Params["cardId"])
		if err != nil {
			return nil, err
		}
		valid, reason := StandingAt(c, at)
		st := Statement{CardNumber: c.Number, At: at.UTC(), Valid: valid, Packages: []StatementPackage{},
			Issued: now.Unix(), Expiry: now.Add(StatementTTL).Unix()}
		if !valid {
			st.Reason = &reason
		} else {
			day := citytime.Day(at)
			for _, e := range h.Entitlements {
				if e.Usable(day) {
					st.Packages = append(st.Packages, StatementPackage{PackageID: e.PackageID, Name: e.Name, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo})
				}
			}
		}
		s, err := qrtoken.SignerOf(d)
		if err != nil {
			return nil, err
		}
		jws, err := qrtoken.Sign(ctx, s, StatementType, st)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(200, statementView{Statement: jws, ExpiresAt: time.Unix(st.Expiry, 0).UTC()}), nil
	}
}
