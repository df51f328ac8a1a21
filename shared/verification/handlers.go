package verification

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// Presentation is how a card is shown: its number, or the virtual card's QR
// token; exactly one.
type Presentation struct {
	CardNumber string `json:"cardNumber"`
	QRToken    string `json:"qrToken"`
}

// Check of the body's rules, for the bodies that embed a presentation.
func (p *Presentation) check(c *httpapi.Checks) {
	if (p.CardNumber == "") == (p.QRToken == "") {
		c.Fail("cardNumber", "exactly_one")
		c.Fail("qrToken", "exactly_one")
		return
	}
	if len(p.CardNumber) > 32 {
		c.Fail("cardNumber", "invalid")
	}
	if len(p.QRToken) > 4096 {
		c.Fail("qrToken", "invalid")
	}
}

func (p *Presentation) Validate(c *httpapi.Checks) { p.check(c) }

// Find reads the card a presentation names (Facts) with the keys a token
// needs; a number's claim comes with the request's account (PrefetchClaim).
func Find(ctx context.Context, d *platform.Deps, r *httpapi.Request, p *Presentation, now time.Time) (*Found, error) {
	var keys map[string]*ecdsa.PublicKey
	if p.QRToken != "" {
		k, err := qrtoken.PublicKeys(ctx, d)
		if err != nil {
			return nil, err
		}
		keys = k
	}
	t := store.Of(d)
	get := func(ctx context.Context, k store.Key, out any) error { return r.Get(ctx, t, k, out) }
	return Facts(ctx, t, get, keys, p.CardNumber, p.QRToken, now)
}

// PrefetchClaim names the claim of a presented card number, read with the
// caller's account: a check by number then costs the gate's read, the
// holder's Query and the record (3 round trips, as by QR token).
func PrefetchClaim(r *httpapi.Request) []store.Key {
	var p Presentation
	if json.Unmarshal(r.Body, &p) != nil || p.QRToken != "" || !card.ValidNumber(p.CardNumber) {
		return nil
	}
	return []store.Key{store.CardNumberKey(p.CardNumber)}
}

func init() { httpapi.RegisterPrefetch("verify-card", PrefetchClaim) }

// HolderView is what a verifier learns of a valid card's holder.
type HolderView struct {
	FirstName       string  `json:"firstName"`
	LastNameInitial string  `json:"lastNameInitial"`
	PhotoURL        *string `json:"photoUrl"`
}

// PackageView is an active package as a verifier sees it.
type PackageView struct {
	PackageID string `json:"packageId"`
	Name      string `json:"name"`
	ValidTo   string `json:"validTo"`
}

// IdentifierView is an identifier as an inspector sees it.
type IdentifierView struct {
	TypeID string `json:"typeId"`
	Name   string `json:"name"`
	Value  string `json:"value"`
}

// View is the answer of a check. When the card is not valid, nothing about the
// person is said: holder, packages and identifiers are null.
type View struct {
	Valid       bool             `json:"valid"`
	Reason      *string          `json:"reason"`
	CheckedAt   time.Time        `json:"checkedAt"`
	Holder      *HolderView      `json:"holder"`
	Packages    []PackageView    `json:"packages"`
	Identifiers []IdentifierView `json:"identifiers"`
}

// Verify serves POST /verify (R12.1, R15.1): partners and inspectors check a
// card by number or QR token; the check is recorded for the holder.
func Verify(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *Presentation) (*httpapi.Response, error) {
		now := d.Now().UTC()
		f, err := Find(ctx, d, r, b, now)
		if err != nil {
			return nil, err
		}
		valid, reason := Verdict(f, now)
		kind := KindOf(r.Caller.Groups)
		v := View{Valid: valid, CheckedAt: now}
		if !valid {
			v.Reason = &reason
		} else {
			c := f.Card
			v.Holder = &HolderView{FirstName: c.HolderFirstName, LastNameInitial: initial(c.HolderLastName)}
			if c.PhotoKey != "" {
				photo := &upload.Upload{ObjectKey: c.PhotoKey, Purpose: upload.Photo, ContentType: c.PhotoType}
				url, _, err := upload.PresignGet(ctx, d, photo)
				if err != nil {
					return nil, err
				}
				v.Holder.PhotoURL = &url
			}
			v.Packages = activePackages(f.Holding.Entitlements, citytime.Day(now))
			v.Identifiers = []IdentifierView{}
			if kind == Inspector {
				for _, i := range f.Holding.Identifiers {
					v.Identifiers = append(v.Identifiers, IdentifierView{TypeID: i.TypeID, Name: i.Name, Value: i.Value})
				}
			}
		}
		tx := &store.Tx{}
		if f.Card != nil {
			record(tx, f.Card, r.Account, kind, valid, reason, now)
		}
		return httpapi.JSON(200, v).With(tx), nil
	})
}

// CheckView is a check as its holder sees it: which organization, never who.
type CheckView struct {
	CheckedAt        time.Time `json:"checkedAt"`
	OrganizationName string    `json:"organizationName"`
	Kind             string    `json:"kind"`
	Valid            bool      `json:"valid"`
	Reason           *string   `json:"reason"`
}

var errCardNotFound = apierr.New(apierr.NotFound, "No such card.")

// Checks serves GET /profiles/{profileId}/cards/{cardId}/checks (R15.1): the
// card's checks, newest first, paged. The card id names its owner, so a card
// of another profile is 404 without a read; the card's marker in the same
// partition tells a card without checks from a missing one, in the one Query.
func Checks(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		cardID := r.Params["cardId"]
		if owner, ok := store.OwnerOf(cardID); !ok || owner != p.ProfileID {
			return nil, errCardNotFound
		}
		page, err := httpapi.PageOf(r, "PK", store.ChecksPK(cardID), false)
		if err != nil {
			return nil, err
		}
		cs, next, exists, err := checksOf(ctx, store.Of(d), cardID, page)
		if err != nil {
			return nil, err
		}
		if !exists {
			return nil, errCardNotFound
		}
		items := make([]CheckView, 0, len(cs))
		for _, c := range cs {
			v := CheckView{CheckedAt: c.CheckedAt, OrganizationName: c.OrganizationName, Kind: c.Kind, Valid: c.Valid}
			if c.Reason != "" {
				reason := c.Reason
				v.Reason = &reason
			}
			items = append(items, v)
		}
		return httpapi.JSON(200, httpapi.List[CheckView]{Items: items, NextCursor: store.EncodeCursor(next)}), nil
	}
}
