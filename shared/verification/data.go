package verification

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Check is one verification of a card, kept for its holder (CheckKey).
type Check struct {
	store.Key
	CheckID          string    `dynamodbav:"checkId"`
	CardID           string    `dynamodbav:"cardId"`
	ProfileID        string    `dynamodbav:"profileId"`
	CheckedAt        time.Time `dynamodbav:"checkedAt"`
	OrganizationID   string    `dynamodbav:"organizationId,omitempty"`
	OrganizationName string    `dynamodbav:"organizationName"`
	Kind             string    `dynamodbav:"kind"`
	Valid            bool      `dynamodbav:"valid"`
	Reason           string    `dynamodbav:"reason,omitempty"`
	// TTL ends the record after a year (R15.1: kept 12 months).
	TTL int64 `dynamodbav:"ttl"`
}

// checkTTL is how long a check is kept.
const checkTTL = 365 * 24 * time.Hour

// timeKey sorts instants as strings.
const timeKey = "2006-01-02T15:04:05.000000Z"

// record adds a check of a card to tx.
func record(tx *store.Tx, c *card.Card, acc *account.Account, kind string, valid bool, reason string, at time.Time) {
	id := ulid.Make().String()
	tx.Create(&Check{Key: store.CheckKey(c.CardID, at.Format(timeKey), id), CheckID: id, CardID: c.CardID, ProfileID: c.ProfileID,
		CheckedAt: at, OrganizationID: acc.OrganizationID, OrganizationName: acc.OrganizationName, Kind: kind,
		Valid: valid, Reason: reason, TTL: at.Add(checkTTL).Unix()}, nil)
}

// checksOf reads a page of a card's checks, and whether the card exists:
// one Query of the card's partition, which holds its marker too. One item
// more than the page is asked for, in case the marker is among them.
func checksOf(ctx context.Context, t *store.Table, cardID string, page httpapi.Page) ([]Check, map[string]types.AttributeValue, bool, error) {
	items, next, err := t.QueryItems(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ChecksPK(cardID))),
		Limit:   page.Limit + 1, Forward: page.Ascending, StartKey: page.Start, Consistent: true,
	})
	if err != nil {
		return nil, nil, false, err
	}
	exists := page.Start != nil // a cursor of this partition was made from its items
	var cs []Check
	for _, it := range items {
		exists = true
		if sk, _ := it["SK"].(*types.AttributeValueMemberS); sk != nil && sk.Value == store.CheckMarkerSK {
			continue
		}
		var c Check
		if err := attributevalue.UnmarshalMap(it, &c); err != nil {
			return nil, nil, false, err
		}
		cs = append(cs, c)
	}
	if len(cs) > int(page.Limit) {
		cs = cs[:page.Limit]
		last := cs[len(cs)-1].Key
		next = map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: last.PK}, "SK": &types.AttributeValueMemberS{Value: last.SK}}
	}
	return cs, next, exists, nil
}
