package card

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// ReasonCancelled and ReasonUnblocked are the revocation list's reasons
// besides a block's own reason (lost, stolen, duplicate_issued,
// consent_withdrawn, …).
const (
	ReasonCancelled = "cancelled"
	// ReasonUnblocked lifts a card's earlier entries: an offline verifier that
	// keeps a deny list removes the card from it. A verifier that ignores it
	// keeps refusing the card, which fails safe.
	ReasonUnblocked = "unblocked"
)

// Revocation is one entry of the revocation list (R15.2). It is written in
// the transaction that blocks, cancels or unblocks the card, so the list is
// never behind the cards.
type Revocation struct {
	store.Key
	store.Index1           // the card's entries, for its erasure
	CardID       string    `dynamodbav:"cardId"`
	Number       string    `dynamodbav:"number"`
	RevokedAt    time.Time `dynamodbav:"revokedAt"`
	Reason       string    `dynamodbav:"reason"`
	// TTL: an entry is kept until the card would have expired anyway (a
	// verifier refuses an expired card without the list), and a year more.
	TTL int64 `dynamodbav:"ttl"`
}

// RevokeIn adds the card's entry in the revocation list to tx. Every change
// that blocks, cancels or unblocks a card calls it (BlockIn and Unblock here;
// a consent withdrawal's or an erasure's block of a household's cards too).
func RevokeIn(tx *store.Tx, c *Card, reason string, now time.Time) {
	ttl := now.AddDate(validYears+1, 0, 0)
	if to, err := time.Parse(time.DateOnly, c.ValidTo); err == nil {
		ttl = to.AddDate(1, 0, 0)
	}
	at := store.RevocationTime(now)
	tx.Put(&Revocation{Key: store.RevocationKey(at, c.CardID), Index1: store.Index1{GSI1PK: store.CardRevocationsPK(c.CardID), GSI1SK: at},
		CardID: c.CardID, Number: c.Number,
		RevokedAt: now.UTC(), Reason: reason, TTL: ttl.Unix()}, nil, nil)
}

// RevocationView is an entry as verifiers get it.
type RevocationView struct {
	CardID    string    `json:"cardId"`
	Number    string    `json:"number"`
	RevokedAt time.Time `json:"revokedAt"`
	Reason    string    `json:"reason"`
}

type revocationList struct {
	httpapi.List[RevocationView]
	AsOf time.Time `json:"asOf"`
}

// asOfMargin: a change decided at T commits a little later (within the
// function's time limit), so the list is complete only up to a while ago.
// asOf is that instant: the next request's since, which overlaps the last one
// by the margin (an entry seen twice changes nothing on a deny list).
const asOfMargin = time.Minute

// Revocations serves GET /cards/revocations?since= (R15.2): the cards
// blocked, cancelled or unblocked since an instant, oldest first, paged; one
// Query of the list's partition, never a Scan.
func Revocations(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		raw := r.Query["since"]
		if raw == "" {
			return nil, apierr.Invalid(apierr.FieldError{Field: "since", Code: "required"})
		}
		since, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return nil, apierr.Invalid(apierr.FieldError{Field: "since", Code: "invalid"})
		}
		now := d.Now().UTC()
		page, err := httpapi.PageOf(r, "PK", store.RevocationsPK, true)
		if err != nil {
			return nil, err
		}
		key := expression.Key("PK").Equal(expression.Value(store.RevocationsPK))
		from := store.RevocationTime(since)
		var rs []Revocation
		next, err := store.Of(d).Query(ctx, store.QueryInput{
			KeyCond:  key.And(expression.Key("SK").GreaterThanEqual(expression.Value(from))),
			Limit:    page.Limit,
			Forward:  page.Ascending,
			StartKey: page.Start,
		}, &rs)
		if err != nil {
			return nil, err
		}
		items := make([]RevocationView, 0, len(rs))
		for _, x := range rs {
			items = append(items, RevocationView{CardID: x.CardID, Number: x.Number, RevokedAt: x.RevokedAt.UTC(), Reason: x.Reason})
		}
		out := revocationList{AsOf: now.Add(-asOfMargin)}
		out.Items, out.NextCursor = items, store.EncodeCursor(next)
		return httpapi.JSON(200, out), nil
	}
}
