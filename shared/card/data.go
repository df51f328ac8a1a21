package card

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/identifier"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Holding is what a profile holds: its cards, and the entitlements and
// identifiers shown on them.
type Holding struct {
	Cards        []Card
	Entitlements []entitlement.Entitlement
	Identifiers  []identifier.Identifier
}

// Card finds a card of the holding by id.
func (h *Holding) Card(id string) *Card {
	for i := range h.Cards {
		if h.Cards[i].CardID == id {
			return &h.Cards[i]
		}
	}
	return nil
}

// HoldingOf reads a profile's holding: one Query over the profile's partition
// from "CARD#" to "CARDHOLDER$" (store/keys.go), consistent.
func HoldingOf(ctx context.Context, t *store.Table, profileID string) (*Holding, error) {
	q := store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").Between(expression.Value(store.CardSKPrefix), expression.Value(store.HolderRangeEnd))),
		Forward:    true,
		Consistent: true,
	}
	h := &Holding{}
	for {
		items, next, err := t.QueryItems(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if err := h.add(it); err != nil {
				return nil, err
			}
		}
		if next == nil {
			// Newest card first, as lists show them (ids are ULIDs).
			slices.Reverse(h.Cards)
			return h, nil
		}
		q.StartKey = next
	}
}

func (h *Holding) add(it map[string]types.AttributeValue) error {
	sk, _ := it["SK"].(*types.AttributeValueMemberS)
	if sk == nil {
		return nil
	}
	switch {
	case strings.HasPrefix(sk.Value, store.CardSKPrefix):
		var c Card
		if err := attributevalue.UnmarshalMap(it, &c); err != nil {
			return err
		}
		h.Cards = append(h.Cards, c)
	case strings.HasPrefix(sk.Value, store.EntitlementSKPrefix):
		var e entitlement.Entitlement
		if err := attributevalue.UnmarshalMap(it, &e); err != nil {
			return err
		}
		h.Entitlements = append(h.Entitlements, e)
	case strings.HasPrefix(sk.Value, store.IdentifierSKPrefix):
		var i identifier.Identifier
		if err := attributevalue.UnmarshalMap(it, &i); err != nil {
			return err
		}
		h.Identifiers = append(h.Identifiers, i)
	}
	return nil
}

// LoadHeld reads a card of a profile with the profile's holding, in the one
// Query of HoldingOf; a missing card is 404.
func LoadHeld(ctx context.Context, t *store.Table, profileID, cardID string) (*Card, *Holding, error) {
	h, err := HoldingOf(ctx, t, profileID)
	if err != nil {
		return nil, nil, err
	}
	c := h.Card(cardID)
	if c == nil {
		return nil, nil, errNotFound
	}
	return c, h, nil
}

// Gather reads the cards and holder items among a wider Query's items (the
// operators' view of a resident reads the profile's partition once), newest
// card first as lists show them.
func Gather(items []map[string]types.AttributeValue) (*Holding, error) {
	h := &Holding{}
	for _, it := range items {
		if err := h.add(it); err != nil {
			return nil, err
		}
	}
	slices.Reverse(h.Cards)
	return h, nil
}
