package entitlement

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/store"
)

// OfProfile reads a profile's entitlements: one Query.
func OfProfile(ctx context.Context, t *store.Table, profileID string) ([]Entitlement, error) {
	var es []Entitlement
	_, err := t.Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").BeginsWith(store.EntitlementSKPrefix)),
		Forward: true, Consistent: true,
	}, &es)
	return es, err
}

// ErrChanged answers a grant or extension that lost a race with another
// change of the same entitlement.
var ErrChanged = apierr.New(apierr.Conflict, "The entitlements changed at the same time; decide again.")

// Grant is who gets entitlements and why.
type Grant struct {
	ProfileID, HouseholdID string
	NotifyEmail            string
	HolderName             string
	ApplicationID          string
	Now                    time.Time
}

// Renew adds to tx the grant of a package (held is nil) or its renewal (held
// is the profile's entitlement of it, as read): one that has not ended is
// extended by the package's validity from its last day; one that has ended,
// or a new one, is valid from today. It returns the entitlement as it will be.
func Renew(tx *store.Tx, held *Entitlement, pkg Package, g Grant) *Entitlement {
	today := citytime.Day(g.Now)
	now := g.Now.UTC()
	e := &Entitlement{Key: store.EntitlementKey(g.ProfileID, pkg.ID), ProfileID: g.ProfileID, HouseholdID: g.HouseholdID,
		PackageID: pkg.ID, Name: pkg.Name, NotifyEmail: g.NotifyEmail, HolderName: g.HolderName, ApplicationID: g.ApplicationID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	e.ValidFrom = today.Format(time.DateOnly)
	e.ValidTo = today.AddDate(0, pkg.ValidityMonths, -1).Format(time.DateOnly)
	if held != nil {
		e.CreatedAt, e.Version = held.CreatedAt, held.Version+1
		if to, err := citytime.ParseDay(held.ValidTo); err == nil && !to.Before(today) {
			e.ValidFrom = held.ValidFrom
			e.ValidTo = to.AddDate(0, pkg.ValidityMonths, 0).Format(time.DateOnly)
		}
	}
	return put(tx, held, e, today)
}

// Extend adds to tx the extension of a held entitlement (R4.9): its last day
// moves by the package's validity from the later of the last day and today.
func Extend(tx *store.Tx, held *Entitlement, pkg Package, g Grant) *Entitlement {
	today := citytime.Day(g.Now)
	now := g.Now.UTC()
	base := today
	if to, err := citytime.ParseDay(held.ValidTo); err == nil && to.After(today) {
		base = to
	}
	e := *held
	e.Name, e.ApplicationID, e.UpdatedAt, e.Version = pkg.Name, g.ApplicationID, now, held.Version+1
	if g.NotifyEmail != "" {
		e.NotifyEmail = g.NotifyEmail
	}
	if g.HolderName != "" {
		e.HolderName = g.HolderName
	}
	e.ValidTo = base.AddDate(0, pkg.ValidityMonths, 0).Format(time.DateOnly)
	return put(tx, held, &e, today)
}

// put writes a granted or extended entitlement: a new item, or the change of
// the one read (by its version).
func put(tx *store.Tx, held, e *Entitlement, today time.Time) *Entitlement {
	now := e.UpdatedAt
	e.schedule(today)
	if held == nil {
		tx.Create(e, ErrChanged)
		return e
	}
	upd := expression.Set(expression.Name("name"), expression.Value(e.Name)).
		Set(expression.Name("validFrom"), expression.Value(e.ValidFrom)).
		Set(expression.Name("validTo"), expression.Value(e.ValidTo)).
		Set(expression.Name("applicationId"), expression.Value(e.ApplicationID)).
		Set(expression.Name("updatedAt"), expression.Value(now))
	if e.NotifyEmail != "" {
		upd = upd.Set(expression.Name("notifyEmail"), expression.Value(e.NotifyEmail))
	}
	if e.HolderName != "" {
		upd = upd.Set(expression.Name("holderName"), expression.Value(e.HolderName))
	}
	upd = noticeUpdate(upd, e)
	tx.Change(held.Key, held.Version, upd, nil, ErrChanged)
	return e
}

// noticeUpdate sets (or removes) the pending notice and its index entry.
func noticeUpdate(upd expression.UpdateBuilder, e *Entitlement) expression.UpdateBuilder {
	if e.Notice == "" {
		return upd.Remove(expression.Name("notice")).Remove(expression.Name("noticeDue")).
			Remove(expression.Name("GSI2PK")).Remove(expression.Name("GSI2SK"))
	}
	return upd.Set(expression.Name("notice"), expression.Value(e.Notice)).
		Set(expression.Name("noticeDue"), expression.Value(e.NoticeDue)).
		Set(expression.Name("GSI2PK"), expression.Value(e.GSI2PK)).
		Set(expression.Name("GSI2SK"), expression.Value(e.GSI2SK))
}

// dueIn reads one shard of the due index up to a day (notices of late days
// too): only entitlements with a notice due are read.
func dueIn(ctx context.Context, t *store.Table, shard int, today time.Time) ([]Entitlement, error) {
	q := store.QueryInput{
		Index: store.GSI2,
		KeyCond: expression.Key("GSI2PK").Equal(expression.Value(store.EntitlementDuePK(shard))).
			And(expression.Key("GSI2SK").LessThan(expression.Value(today.AddDate(0, 0, 1).Format(time.DateOnly)))),
		Forward: true,
	}
	var out []Entitlement
	for {
		var page []Entitlement
		next, err := t.Query(ctx, q, &page)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == nil {
			return out, nil
		}
		q.StartKey = next
	}
}
