// Package verification checks resident cards for partners and inspectors
// (R12.1, R15.1): by number or by the virtual card's QR token, answering
// whether the card is valid and, only when it is, the least a verifier needs
// (first name, last name's initial, photo, active packages; identifiers for
// inspectors). Every check of a known card is recorded for its holder, who
// sees which organization checked it, when, and the result.
package verification

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Reasons a card is not valid (stable, for clients to switch on).
const (
	UnknownCard    = "unknown_card"
	NotActive      = "not_active"
	Blocked        = "blocked"
	Cancelled      = "cancelled"
	TokenExpired   = "token_expired"
	TokenInvalid   = "token_invalid"
	AccountBlocked = "account_blocked"
)

// Kinds of verifiers.
const (
	Partner   = "partner"
	Inspector = "inspector"
)

// blockedWithAccount are the block reasons that come from the holder's
// account (a withdrawn mandatory consent blocks the account and its cards):
// a verifier is told the account is blocked, not the card.
var blockedWithAccount = map[string]bool{"consent_withdrawn": true, "account_blocked": true, "account_deleted": true}

// Found is a card a presented number or token named, with what its holder
// holds; nil Card when none was found.
type Found struct {
	Card    *card.Card
	Holding *card.Holding
	// Reason is set when the token failed (expired, invalid) or no card was found.
	Reason string
}

// Facts are what a check needs: the card a presentation names, read in one
// Query of its holder's partition (by number: after the number's claim, which
// get reads: the request's, so that the adapter reads it with the gate).
func Facts(ctx context.Context, t *store.Table, get func(context.Context, store.Key, any) error, keys map[string]*ecdsa.PublicKey, cardNumber, qrToken string, now time.Time) (*Found, error) {
	cardID, owner := "", ""
	expired := false
	switch {
	case qrToken != "":
		claims, err := qrtoken.Verify(qrToken, keys, now)
		switch {
		case errors.Is(err, qrtoken.ErrExpired):
			expired = true
		case err != nil:
			return &Found{Reason: TokenInvalid}, nil
		}
		o, ok := store.OwnerOf(claims.CardID)
		if !ok {
			return &Found{Reason: TokenInvalid}, nil
		}
		cardID, owner, cardNumber = claims.CardID, o, claims.Number
	default:
		if !card.ValidNumber(cardNumber) {
			return &Found{Reason: UnknownCard}, nil
		}
		var ref card.NumberClaim
		err := get(ctx, store.CardNumberKey(cardNumber), &ref)
		if errors.Is(err, store.ErrNotFound) {
			return &Found{Reason: UnknownCard}, nil
		}
		if err != nil {
			return nil, err
		}
		cardID, owner = ref.ItemID, ref.ProfileID
	}
	h, err := card.HoldingOf(ctx, t, owner)
	if err != nil {
		return nil, err
	}
	c := h.Card(cardID)
	if c == nil || c.Number != cardNumber {
		// A signed token of a card that is gone, or a claim left behind.
		return &Found{Reason: UnknownCard}, nil
	}
	f := &Found{Card: c, Holding: h}
	if expired {
		f.Reason = TokenExpired
	}
	return f, nil
}

// Verdict is whether a found card is valid on an instant, and why not.
func Verdict(f *Found, now time.Time) (bool, string) {
	if f.Reason != "" {
		return false, f.Reason
	}
	c := f.Card
	switch c.Status {
	case card.Active:
	case card.Blocked:
		if blockedWithAccount[c.BlockReason] {
			return false, AccountBlocked
		}
		return false, Blocked
	case card.Cancelled:
		return false, Cancelled
	default:
		return false, NotActive
	}
	today := citytime.Today(now)
	if (c.ValidFrom != "" && today < c.ValidFrom) || (c.ValidTo != "" && today > c.ValidTo) {
		return false, NotActive
	}
	return true, ""
}

// KindOf is the verifier kind of a caller's groups: an inspector is shown
// identifiers, a partner is not.
func KindOf(groups []string) string {
	for _, g := range groups {
		if g == routes.GroupInspectors {
			return Inspector
		}
	}
	return Partner
}

// initial is the first letter of a name, upper case.
func initial(name string) string {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(name))
	if r == utf8.RuneError {
		return ""
	}
	return string(unicode.ToUpper(r))
}

// activePackages are the entitlements usable on a day.
func activePackages(es []entitlement.Entitlement, today time.Time) []PackageView {
	out := []PackageView{}
	for i := range es {
		if es[i].Usable(today) {
			out = append(out, PackageView{PackageID: es[i].PackageID, Name: es[i].Name, ValidTo: es[i].ValidTo})
		}
	}
	return out
}
