package card

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identifier"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// View is a card as the API shows it.
type View struct {
	CardID        string             `json:"cardId"`
	Number        string             `json:"number"`
	Kind          string             `json:"kind"`
	Status        string             `json:"status"`
	BlockReason   *string            `json:"blockReason"`
	ValidFrom     string             `json:"validFrom"`
	ValidTo       string             `json:"validTo"`
	PhotoURL      *string            `json:"photoUrl"`
	PickupPointID *string            `json:"pickupPointId,omitempty"`
	Packages      []entitlement.View `json:"packages"`
	Identifiers   []identifier.View  `json:"identifiers"`
	History       []history.Event    `json:"history,omitempty"`
}

// ToView is the API's view of a card with what its holder holds (h); photo
// links are presigned (no I/O).
func ToView(ctx context.Context, d *platform.Deps, c *Card, h *Holding, withHistory bool) View {
	v := View{CardID: c.CardID, Number: c.Number, Kind: c.Kind, Status: c.Status, ValidFrom: c.ValidFrom, ValidTo: c.ValidTo,
		Packages: entitlement.Views(h.Entitlements, citytime.Day(d.Now())), Identifiers: identifier.Views(h.Identifiers)}
	if c.BlockReason != "" && c.Status == Blocked {
		v.BlockReason = &c.BlockReason
	}
	if c.PickupPointID != "" {
		v.PickupPointID = &c.PickupPointID
	}
	if c.PhotoKey != "" {
		photo := &upload.Upload{ObjectKey: c.PhotoKey, Purpose: upload.Photo, ContentType: c.PhotoType}
		if url, _, err := upload.PresignGet(ctx, d, photo); err == nil {
			v.PhotoURL = &url
		}
	}
	if withHistory {
		v.History = c.History
	}
	return v
}

// OfProfile lists a profile's cards, newest first: one Query (HoldingOf when
// the answer shows cards).
func OfProfile(ctx context.Context, t *store.Table, profileID string) ([]Card, error) {
	var cs []Card
	_, err := t.Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").BeginsWith(store.CardSKPrefix)),
		Consistent: true,
	}, &cs)
	return cs, err
}

// List serves GET /profiles/{profileId}/cards (R4.3, R4.8, R4.10): the cards
// with the holder's packages and identifiers, in one Query.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		h, err := HoldingOf(ctx, store.Of(d), p.ProfileID)
		if err != nil {
			return nil, err
		}
		items := make([]View, 0, len(h.Cards))
		for i := range h.Cards {
			items = append(items, ToView(ctx, d, &h.Cards[i], h, false))
		}
		return httpapi.JSON(200, httpapi.List[View]{Items: items}), nil
	}
}

var errNotFound = apierr.New(apierr.NotFound, "No such card.")

// Load reads a card of a profile; a missing one is 404.
func Load(ctx context.Context, t *store.Table, profileID, cardID string) (*Card, error) {
	var c Card
	err := t.Get(ctx, store.CardKey(profileID, cardID), &c)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	return &c, err
}

type blockBody struct {
	Reason string `json:"reason"`
}

func (b *blockBody) Validate(c *httpapi.Checks) {
	if b.Reason != ReasonLost && b.Reason != ReasonStolen {
		c.Fail("reason", "invalid")
	}
}

// Block serves POST /profiles/{profileId}/cards/{cardId}/block (R4.4): a lost or
// stolen card is blocked at once; only an operator unblocks it.
func Block(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *blockBody) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		c, h, err := LoadHeld(ctx, store.Of(d), p.ProfileID, r.Params["cardId"])
		if err != nil {
			return nil, err
		}
		now := d.Now().UTC()
		tx := &store.Tx{}
		if err := BlockIn(tx, c, b.Reason, "resident", now); err != nil {
			return nil, err
		}
		c.StatusBeforeBlock, c.Status, c.BlockReason = c.Status, Blocked, b.Reason
		return httpapi.JSON(200, ToView(ctx, d, c, h, false)).With(tx), nil
	})
}

// byID loads a card with its holding by its id alone (operator routes): the
// id names its owner.
func byID(ctx context.Context, t *store.Table, cardID string) (*Card, *Holding, error) {
	owner, ok := store.OwnerOf(cardID)
	if !ok {
		return nil, nil, errNotFound
	}
	return LoadHeld(ctx, t, owner, cardID)
}

// Unblock serves POST /operator/cards/{cardId}/unblock (R4.4, R11.2): the card
// returns to where it was; a card replaced by a duplicate stays blocked.
func Unblock(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		c, h, err := byID(ctx, store.Of(d), r.Params["cardId"])
		if err != nil {
			return nil, err
		}
		if c.Status != Blocked {
			return nil, apierr.New(WrongState, "The card is not blocked.")
		}
		if c.BlockReason == ReasonDuplicate {
			return nil, apierr.New(WrongState, "A card replaced by a duplicate stays blocked.")
		}
		if c.BlockReason == ReasonConsentWithdrawn {
			return nil, apierr.New(WrongState, "The household's consent lifts this block: it is the head's to accept again.")
		}
		now := d.Now().UTC()
		tx := &store.Tx{}
		back := UnblockIn(tx, c, "operator", "unblocked", now)
		c.Status, c.BlockReason = back, ""
		c.History = append(c.History, history.Event{Status: back, At: now, Actor: "operator", Comment: "unblocked"})
		return httpapi.JSON(200, ToView(ctx, d, c, h, true)).With(tx), nil
	}
}

type statusBody struct {
	Status string `json:"status"`
}

func (b *statusBody) Validate(c *httpapi.Checks) {
	if b.Status != ReadyForPickup && b.Status != Active {
		c.Fail("status", "invalid")
	}
}

// SetStatus serves POST /operator/cards/{cardId}/status: a physical card goes
// ordered → ready_for_pickup (the resident is mailed) → active.
func SetStatus(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *statusBody) (*httpapi.Response, error) {
		c, h, err := byID(ctx, store.Of(d), r.Params["cardId"])
		if err != nil {
			return nil, err
		}
		from := map[string]string{ReadyForPickup: Ordered, Active: ReadyForPickup}[b.Status]
		if c.Kind != Physical || c.Status != from {
			return nil, apierr.New(WrongState, "A %s card in status %s cannot become %s.", c.Kind, c.Status, b.Status)
		}
		now := d.Now().UTC()
		tx := &store.Tx{}
		transition(tx, c, b.Status, history.Event{Status: b.Status, At: now, Actor: "operator"}, nil,
			apierr.New(WrongState, "The card was changed at the same time; read it again."))
		if b.Status == ReadyForPickup && c.NotifyEmail != "" {
			outbox.Enqueue(tx, now, "card-ready#"+c.CardID, outbox.CardReady, c.NotifyEmail,
				map[string]string{"number": c.Number, "pickupPoint": c.PickupPointID, "link": d.Config.PortalURL + "/cards"}, nil)
		}
		c.Status = b.Status
		c.History = append(c.History, history.Event{Status: b.Status, At: now, Actor: "operator"})
		return httpapi.JSON(200, ToView(ctx, d, c, h, true)).With(tx), nil
	})
}
