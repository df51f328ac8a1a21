package benefit

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/textfold"
	"github.com/kartamieszkanca/platform/shared/verification"
)

// Codes.
var (
	KeyRequired    = apierr.Register("idempotency_key_required", http.StatusBadRequest)
	CardNotValid   = apierr.Register("card_not_valid", http.StatusConflict)
	PackageNotHeld = apierr.Register("package_not_held", http.StatusConflict)
	NoOrganization = apierr.Register("organization_required", http.StatusForbidden)
)

// amountRe: a non-negative decimal with at most two places (PLN and grosze).
var amountRe = regexp.MustCompile(`^(0|[1-9][0-9]{0,6})(\.[0-9]{1,2})?$`)

type recordBody struct {
	verification.Presentation
	PackageID string       `json:"packageId"`
	Name      string       `json:"name"`
	Amount    *json.Number `json:"amount"`
}

func (b *recordBody) Validate(c *httpapi.Checks) {
	b.Presentation.Validate(c)
	if c.Required("packageId", b.PackageID) && len(b.PackageID) > 64 {
		c.Fail("packageId", "invalid")
	}
	c.Text("name", b.Name, 200)
	if b.Amount != nil && !amountRe.MatchString(string(*b.Amount)) {
		c.Fail("amount", "invalid")
	}
}

// A benefit recorded by card number reads the number's claim with the gate.
func init() { httpapi.RegisterPrefetch("record-benefit", verification.PrefetchClaim) }

// Record serves POST /partner/benefits (R12.2): a partner records the use of
// a benefit against a valid card whose holder holds the package, active. The
// Idempotency-Key is required: a retried request records nothing new and
// answers the first answer.
func Record(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *recordBody) (*httpapi.Response, error) {
		if strings.TrimSpace(r.Header("idempotency-key")) == "" {
			return nil, &apierr.Error{Code: KeyRequired, Message: "Recording a benefit needs an Idempotency-Key, so that a retry records it once.",
				Fields: []apierr.FieldError{{Field: "Idempotency-Key", Code: "required"}}}
		}
		if r.Account.OrganizationID == "" {
			return nil, apierr.New(NoOrganization, "This partner account belongs to no organization.")
		}
		now := d.Now().UTC()
		f, err := verification.Find(ctx, d, r, &b.Presentation, now)
		if err != nil {
			return nil, err
		}
		if ok, reason := verification.Verdict(f, now); !ok {
			field := "cardNumber"
			if b.QRToken != "" {
				field = "qrToken"
			}
			return nil, &apierr.Error{Code: CardNotValid, Message: "The card is not valid: " + reason + ".",
				Fields: []apierr.FieldError{{Field: field, Code: reason}}}
		}
		today := citytime.Day(now)
		var held *entitlement.Entitlement
		for i := range f.Holding.Entitlements {
			if e := &f.Holding.Entitlements[i]; e.PackageID == b.PackageID && e.Usable(today) {
				held = e
			}
		}
		if held == nil {
			return nil, &apierr.Error{Code: PackageNotHeld, Message: "The holder has no active entitlement to this package.",
				Fields: []apierr.FieldError{{Field: "packageId", Code: "not_held"}}}
		}
		rec := &Benefit{ProfileID: f.Card.ProfileID, CardID: f.Card.CardID, PackageID: b.PackageID, PackageName: held.Name,
			Name: b.Name, OrganizationID: r.Account.OrganizationID, PartnerName: r.Account.OrganizationName, UsedAt: now}
		if b.Amount != nil {
			rec.Amount = string(*b.Amount)
		}
		tx := &store.Tx{}
		record(tx, rec)
		return httpapi.JSON(201, ToView(rec)).With(tx), nil
	})
}

// daySpan reads ?from= and ?to= as city days, inclusive.
func daySpan(r *httpapi.Request) (span, error) {
	var s span
	var c httpapi.Checks
	if v := r.Query["from"]; v != "" {
		d, err := citytime.ParseDay(v)
		if err != nil {
			c.Fail("from", "invalid_date")
		} else {
			s.from = citytime.Start(d)
		}
	}
	if v := r.Query["to"]; v != "" {
		d, err := citytime.ParseDay(v)
		if err != nil {
			c.Fail("to", "invalid_date")
		} else {
			s.to = citytime.Start(d.AddDate(0, 0, 1))
		}
	}
	if !s.from.IsZero() && !s.to.IsZero() && !s.from.Before(s.to) {
		c.Fail("to", "before_from")
	}
	return s, c.Err()
}

// query reads ?q=: folded, at most 100 characters.
func query(r *httpapi.Request) (string, error) {
	q := textfold.Fold(r.Query["q"])
	if utf8.RuneCountInString(q) > 100 {
		return "", apierr.Invalid(apierr.FieldError{Field: "q", Code: "too_long"})
	}
	return q, nil
}

// History serves GET /profiles/{profileId}/benefits (R8.1): the benefits used
// with the profile's cards, newest first (sort=date_asc: oldest), within days
// from–to (Europe/Warsaw, inclusive), whose name or partner matches q ignoring
// case and diacritics; paged. A page filtered by q may hold fewer items than
// the limit, and still have a next one.
func History(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		return list(ctx, d, r, store.GSI1, store.BenefitsPK(p.ProfileID), true)
	}
}

// PartnerList serves GET /partner/benefits: the benefits the caller's
// organization recorded, for reconciliation, newest first, paged.
func PartnerList(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		if r.Account.OrganizationID == "" {
			return nil, apierr.New(NoOrganization, "This partner account belongs to no organization.")
		}
		return list(ctx, d, r, store.GSI2, store.OrganizationBenefitsPK(r.Account.OrganizationID), false)
	}
}

func list(ctx context.Context, d *platform.Deps, r *httpapi.Request, index, pk string, search bool) (*httpapi.Response, error) {
	page, err := httpapi.PageOf(r, index+"PK", pk, false)
	if err != nil {
		return nil, err
	}
	s, err := daySpan(r)
	if err != nil {
		return nil, err
	}
	q := ""
	if search {
		if q, err = query(r); err != nil {
			return nil, err
		}
	}
	bs, next, err := listPage(ctx, store.Of(d), index, pk, s, q, page)
	if err != nil {
		return nil, err
	}
	items := make([]View, 0, len(bs))
	for i := range bs {
		items = append(items, ToView(&bs[i]))
	}
	return httpapi.JSON(200, httpapi.List[View]{Items: items, NextCursor: store.EncodeCursor(next)}), nil
}
