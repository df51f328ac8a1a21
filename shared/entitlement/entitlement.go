// Package entitlement holds a profile's rights to packages of discounts (R4.8,
// R4.9): granted when a card application is accepted, added and extended by
// their own applications, shown with the card, checked at the partner's, and
// watched by the daily expiry job (R13). Status is computed from the dates
// whenever it is read, so it is never stale.
package entitlement

import (
	"hash/fnv"
	"time"

	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Statuses, computed from the dates.
const (
	Active   = "active"
	Expiring = "expiring"
	Expired  = "expired"
)

// ExpiringDays: an entitlement whose last day is at most this many days away
// is expiring.
const ExpiringDays = 30

// Entitlement is a profile's right to one package (EntitlementKey). While a
// notice is pending it is in the due index (Index2), sorted by the notice's day.
type Entitlement struct {
	store.Key
	store.Index2
	ProfileID   string `dynamodbav:"profileId"`
	HouseholdID string `dynamodbav:"householdId"`
	PackageID   string `dynamodbav:"packageId"`
	// Name is the package's name when it was granted or last extended.
	Name string `dynamodbav:"name"`
	// ValidFrom and ValidTo are city days; ValidTo is the last valid day.
	ValidFrom string `dynamodbav:"validFrom"`
	ValidTo   string `dynamodbav:"validTo"`
	// HolderName is the holder's first name, for the expiry mail (which may go
	// to the head of the household).
	HolderName string `dynamodbav:"holderName,omitempty"`
	// NotifyEmail is who is told about expiry: the account that applied (a
	// child's head of household).
	NotifyEmail string `dynamodbav:"notifyEmail,omitempty"`
	// Notice is the next notice pending (NoticeKinds) and NoticeDue its day;
	// both are empty once the expiry mail went out.
	Notice        string    `dynamodbav:"notice,omitempty"`
	NoticeDue     string    `dynamodbav:"noticeDue,omitempty"`
	ApplicationID string    `dynamodbav:"applicationId,omitempty"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
	UpdatedAt     time.Time `dynamodbav:"updatedAt"`
	Version       int       `dynamodbav:"version"`
}

// StatusOn is the status on a city day.
func (e *Entitlement) StatusOn(today time.Time) string {
	to, err := citytime.ParseDay(e.ValidTo)
	switch {
	case err != nil || today.After(to):
		return Expired
	case !to.After(today.AddDate(0, 0, ExpiringDays)):
		return Expiring
	}
	return Active
}

// Usable reports whether the entitlement gives its discount on a day: started
// and not expired.
func (e *Entitlement) Usable(today time.Time) bool {
	from, err := citytime.ParseDay(e.ValidFrom)
	return err == nil && !today.Before(from) && e.StatusOn(today) != Expired
}

// View is an entitlement as the API shows it.
type View struct {
	PackageID string `json:"packageId"`
	Name      string `json:"name"`
	ValidFrom string `json:"validFrom"`
	ValidTo   string `json:"validTo"`
	Status    string `json:"status"`
}

// ToView is the API's view on a city day.
func ToView(e *Entitlement, today time.Time) View {
	return View{PackageID: e.PackageID, Name: e.Name, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo, Status: e.StatusOn(today)}
}

// Views are the views of a list, never nil.
func Views(es []Entitlement, today time.Time) []View {
	out := make([]View, 0, len(es))
	for i := range es {
		out = append(out, ToView(&es[i], today))
	}
	return out
}

// Notice kinds, in the order they are sent, with their day relative to the
// last valid day: reminders 30, 7 and 1 days before, and the expiry mail the
// day after.
var NoticeKinds = []struct {
	Kind   string
	Offset int
}{{"30d", -30}, {"7d", -7}, {"1d", -1}, {"expired", 1}}

// noticeDay is the day of notice i for an entitlement ending on validTo.
func noticeDay(validTo time.Time, i int) time.Time {
	return validTo.AddDate(0, 0, NoticeKinds[i].Offset)
}

// next is the first notice, from index i on, whose day is not before from:
// a reminder whose day passed before the entitlement was granted or extended
// is not sent late (nobody needs "30 days left" with 20 left). ok is false
// when none is left.
func next(validTo, from time.Time, i int) (kind string, day time.Time, ok bool) {
	for ; i < len(NoticeKinds); i++ {
		if d := noticeDay(validTo, i); !d.Before(from) {
			return NoticeKinds[i].Kind, d, true
		}
	}
	return "", time.Time{}, false
}

// index of a notice kind, -1 for none.
func index(kind string) int {
	for i, n := range NoticeKinds {
		if n.Kind == kind {
			return i
		}
	}
	return -1
}

// DueShards is the number of partitions of the due index.
const DueShards = 8

func shardOf(profileID string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(profileID))
	return int(h.Sum32() % DueShards)
}

// schedule sets the pending notice (and the due index) for an entitlement
// granted or extended on day from.
func (e *Entitlement) schedule(from time.Time) {
	to, err := citytime.ParseDay(e.ValidTo)
	if err != nil {
		e.unschedule()
		return
	}
	kind, day, ok := next(to, from, 0)
	if !ok {
		e.unschedule()
		return
	}
	e.setNotice(kind, day)
}

func (e *Entitlement) setNotice(kind string, day time.Time) {
	e.Notice, e.NoticeDue = kind, day.Format(time.DateOnly)
	e.Index2 = store.Index2{GSI2PK: store.EntitlementDuePK(shardOf(e.ProfileID)),
		GSI2SK: e.NoticeDue + "#" + e.ProfileID + "#" + e.PackageID}
}

func (e *Entitlement) unschedule() {
	e.Notice, e.NoticeDue, e.Index2 = "", "", store.Index2{}
}

// ExtendableDays: an entitlement expired for at most this many days may still
// be extended (R4.9); after that, the package is added anew.
const ExtendableDays = 90

// Extendable reports whether the entitlement may be extended on a day: it is
// expiring, or expired for at most ExtendableDays.
func (e *Entitlement) Extendable(today time.Time) bool {
	to, err := citytime.ParseDay(e.ValidTo)
	return err == nil && !to.After(today.AddDate(0, 0, ExpiringDays)) && !to.Before(today.AddDate(0, 0, -ExtendableDays))
}
