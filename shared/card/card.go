// Package card holds the card's life (R4.3, R4.4, R11.2): issue, list, block by
// the resident, unblock and physical card progress by operators.
package card

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Codes.
var (
	AlreadyBlocked = apierr.Register("card_already_blocked", http.StatusConflict)
	WrongState     = apierr.Register("card_state_conflict", http.StatusConflict)
)

// Block reasons.
const (
	ReasonLost      = "lost"
	ReasonStolen    = "stolen"
	ReasonDuplicate = "duplicate_issued"
	// ReasonConsentWithdrawn: the household's head withdrew a mandatory
	// consent (R7.3); accepting it again lifts this block, and only this one.
	ReasonConsentWithdrawn = "consent_withdrawn"
)

// Validity of a new card.
const validYears = 5

// Number makes a card number: 12 digits, the last a Luhn check digit, so a
// mistyped number is caught before any lookup.
func Number() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1e10))
	body := fmt.Sprintf("9%010d", n)
	return body + string(rune('0'+luhn(body)))
}

// ValidNumber checks a number's form and check digit.
func ValidNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return int(s[11]-'0') == luhn(s[:11])
}

// luhn is the check digit for body.
func luhn(body string) int {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// errNumberTaken: the drawn number exists; the caller draws again.
var errNumberTaken = errors.New("card: number taken")

// New describes a card to issue.
type New struct {
	ProfileID, HouseholdID  string
	Kind                    string
	PhotoUploadID, PhotoKey string
	PhotoType               string
	PickupPointID           string
	NotifyEmail             string
	ApplicationID           string
	Actor                   string
	// The holder's names, as verifiers are shown them.
	HolderFirstName, HolderLastName string
	// BlockedFor is the household's block (a withdrawn consent, R7.3): a card
	// issued while it lasts is issued blocked for it, and lifting the block
	// lifts it with the household's other cards.
	BlockedFor string
}

// Issue adds a new card to tx: the card, its number claim, which the table
// keeps unique, and its marker in its checks' partition. A virtual card is active at once; a physical one
// is ordered.
func Issue(tx *store.Tx, n New, now time.Time) *Card {
	status := Active
	if n.Kind == Physical {
		status = Ordered
	}
	c := &Card{
		Key:    store.CardKey(n.ProfileID, store.OwnedID(n.ProfileID)),
		Number: Number(), Kind: n.Kind, Status: status, ProfileID: n.ProfileID, HouseholdID: n.HouseholdID,
		ValidFrom: now.Format(time.DateOnly), ValidTo: now.AddDate(validYears, 0, 0).Format(time.DateOnly),
		PhotoUploadID: n.PhotoUploadID, PhotoKey: n.PhotoKey, PhotoType: n.PhotoType, PickupPointID: n.PickupPointID, NotifyEmail: n.NotifyEmail,
		ApplicationID: n.ApplicationID, CreatedAt: now, HolderFirstName: n.HolderFirstName, HolderLastName: n.HolderLastName,
		History: []history.Event{{Status: status, At: now, Actor: n.Actor}}, Version: 1,
	}
	if n.BlockedFor != "" {
		c.StatusBeforeBlock, c.Status, c.BlockReason = status, Blocked, n.BlockedFor
		c.History = append(c.History, history.Event{Status: Blocked, At: now, Actor: n.Actor, Comment: n.BlockedFor})
	}
	c.CardID = c.SK[len(store.CardSKPrefix):]
	tx.Create(c, nil)
	tx.Create(&NumberClaim{Key: store.CardNumberKey(c.Number), ProfileID: n.ProfileID, HouseholdID: n.HouseholdID, ItemID: c.CardID}, errNumberTaken)
	tx.Create(&NumberClaim{Key: store.CheckMarkerKey(c.CardID), ProfileID: n.ProfileID, HouseholdID: n.HouseholdID, ItemID: c.CardID}, nil)
	return c
}

// Commit commits a transaction that issues cards, drawing new numbers in the
// rare case that one is taken (10^10 numbers: a clash is unlikely, not impossible).
func Commit(ctx context.Context, t *store.Table, build func() (*store.Tx, error)) error {
	for attempt := 0; ; attempt++ {
		tx, err := build()
		if err != nil {
			return err
		}
		err = t.Commit(ctx, tx)
		if !errors.Is(err, errNumberTaken) || attempt == 4 {
			return err
		}
	}
}

// transition changes a card's status in tx, conditioned on the statuses it may
// leave and the version read, and appends the history entry.
func transition(tx *store.Tx, c *Card, to string, ev history.Event, set func(expression.UpdateBuilder) expression.UpdateBuilder, onFail error) {
	upd := expression.Set(expression.Name("status"), expression.Value(to)).
		Set(expression.Name("history"), expression.ListAppend(expression.Name("history"), expression.Value([]history.Event{ev})))
	if set != nil {
		upd = set(upd)
	}
	tx.Change(c.Key, c.Version, upd, nil, onFail)
}

// BlockIn adds the block of a card to tx (resident's block, or a duplicate's).
func BlockIn(tx *store.Tx, c *Card, reason, actor string, now time.Time) error {
	switch c.Status {
	case Blocked:
		return apierr.New(AlreadyBlocked, "The card is already blocked.")
	case Cancelled:
		return apierr.New(WrongState, "A cancelled card cannot be blocked.")
	}
	transition(tx, c, Blocked, history.Event{Status: Blocked, At: now, Actor: actor, Comment: reason},
		func(u expression.UpdateBuilder) expression.UpdateBuilder {
			return u.Set(expression.Name("blockReason"), expression.Value(reason)).
				Set(expression.Name("statusBeforeBlock"), expression.Value(c.Status))
		}, apierr.New(WrongState, "The card was changed at the same time; read it again."))
	RevokeIn(tx, c, reason, now)
	return nil
}

// RenameIn adds to tx the holder's new names on every card not cancelled
// (nil leaves a name as it is): verifiers are shown the names the card
// holds, so they change with the profile's, whoever changes them (an accepted
// data change, the head's edit of a member).
func RenameIn(tx *store.Tx, cs []Card, first, last *string, onFail error) {
	if first == nil && last == nil {
		return
	}
	for _, c := range cs {
		if c.Status == Cancelled {
			continue
		}
		var names expression.UpdateBuilder
		if first != nil {
			names = names.Set(expression.Name("holderFirstName"), expression.Value(*first))
		}
		if last != nil {
			names = names.Set(expression.Name("holderLastName"), expression.Value(*last))
		}
		tx.Update(c.Key, names, store.Exists(), onFail)
	}
}

// Live reports whether a card is in use (not blocked, not cancelled): what a
// household's block for a withdrawn consent blocks.
func (c *Card) Live() bool {
	return c.Status == Ordered || c.Status == ReadyForPickup || c.Status == Active
}

// UnblockIn adds to tx the return of a blocked card to the status it had
// before the block, conditioned on the version read.
func UnblockIn(tx *store.Tx, c *Card, actor, comment string, now time.Time) string {
	back := c.StatusBeforeBlock
	if back == "" {
		back = Active
	}
	transition(tx, c, back, history.Event{Status: back, At: now, Actor: actor, Comment: comment},
		func(u expression.UpdateBuilder) expression.UpdateBuilder {
			return u.Remove(expression.Name("blockReason")).Remove(expression.Name("statusBeforeBlock"))
		}, apierr.New(WrongState, "The card was changed at the same time; read it again."))
	RevokeIn(tx, c, ReasonUnblocked, now)
	return back
}
