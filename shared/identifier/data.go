package identifier

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Type is an entry of the identifier-types dictionary as the rules read it.
type Type struct {
	ID, Name, Hint string
	Pattern        *regexp.Regexp
	MaxPerProfile  int
	Unique         bool
	Active         bool
}

// typeOf reads a dictionary entry: the pattern must match the whole value
// (RE2, Go's regexp); maxPerProfile defaults to 1 and unique to true.
func typeOf(e dictionary.Entry) (Type, error) {
	t := Type{ID: e.ID, Name: e.Name, Active: e.Active, MaxPerProfile: 1, Unique: true}
	t.Hint, _ = e.Fields["hint"].(string)
	if n, ok := e.Fields["maxPerProfile"].(float64); ok && n >= 1 {
		t.MaxPerProfile = int(n)
	}
	if u, ok := e.Fields["unique"].(bool); ok {
		t.Unique = u
	}
	pattern, _ := e.Fields["pattern"].(string)
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return t, err
	}
	t.Pattern = re
	return t, nil
}

// readType reads one identifier type; ok is false for an unknown or retired
// one, or one whose pattern does not compile.
func readType(ctx context.Context, t *store.Table, r *httpapi.Request, id string) (Type, bool, error) {
	var e dictionary.Entry
	err := r.Get(ctx, t, store.DictionaryKey(dictionary.IdentifierTypes, id), &e)
	if errors.Is(err, store.ErrNotFound) {
		return Type{}, false, nil
	}
	if err != nil {
		return Type{}, false, err
	}
	typ, err := typeOf(e)
	return typ, err == nil && typ.Active, nil
}

// facts are what adding an identifier needs of the profile: its cards and
// identifiers, in one Query of the holder's range (store/keys.go).
type facts struct {
	cards       []cardFact
	identifiers []Identifier
}

// cardFact is what the rules need of a card: its key and status. The card
// package shows identifiers on cards, so this one reads card items itself
// (a test holds CardActive equal to card.Active).
type cardFact struct {
	store.Key
	Status string `dynamodbav:"status"`
}

// CardActive is an active card's status.
const CardActive = "active"

func factsOf(ctx context.Context, t *store.Table, profileID string) (*facts, error) {
	q := store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").Between(expression.Value(store.CardSKPrefix), expression.Value(store.HolderRangeEnd))),
		Forward: true, Consistent: true,
	}
	f := &facts{}
	for {
		items, next, err := t.QueryItems(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			switch {
			case sk == nil:
			case strings.HasPrefix(sk.Value, store.CardSKPrefix):
				var c cardFact
				if err := attributevalue.UnmarshalMap(it, &c); err != nil {
					return nil, err
				}
				f.cards = append(f.cards, c)
			case strings.HasPrefix(sk.Value, store.IdentifierSKPrefix):
				var i Identifier
				if err := attributevalue.UnmarshalMap(it, &i); err != nil {
					return nil, err
				}
				f.identifiers = append(f.identifiers, i)
			}
		}
		if next == nil {
			return f, nil
		}
		q.StartKey = next
	}
}

// OfProfile reads a profile's identifiers: one Query.
func OfProfile(ctx context.Context, t *store.Table, profileID string) ([]Identifier, error) {
	var is []Identifier
	_, err := t.Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").BeginsWith(store.IdentifierSKPrefix)),
		Forward: true, Consistent: true,
	}, &is)
	return is, err
}

// ValueClaim holds a unique type's value for the identifier that has it.
type ValueClaim struct {
	store.Key
	ProfileID    string `dynamodbav:"profileId"`
	IdentifierID string `dynamodbav:"identifierId"`
}

// add adds to tx a new identifier: its item, its value's claim (unique
// types), the profile's count of the type within the type's limit, and the
// check that the card it was allowed by is still active.
func add(tx *store.Tx, i *Identifier, typ Type, activeCard *cardFact) {
	tx.Create(i, nil)
	if i.Unique {
		tx.Create(&ValueClaim{Key: store.IdentifierValueKey(i.TypeID, i.Value), ProfileID: i.ProfileID, IdentifierID: i.IdentifierID}, errTaken)
	}
	n := expression.Name("count")
	tx.Update(store.IdentifierCountKey(i.ProfileID, i.TypeID),
		expression.Add(n, expression.Value(1)),
		store.Cond(expression.AttributeNotExists(n).Or(n.LessThan(expression.Value(typ.MaxPerProfile)))), errLimit)
	tx.Check(activeCard.Key, expression.Name("status").Equal(expression.Value(CardActive)), errNoActiveCard)
}

// remove adds to tx the removal of an identifier, its claim and its count.
func remove(tx *store.Tx, i *Identifier) {
	tx.Delete(i.Key, store.Exists(), errNotFound)
	if i.Unique {
		tx.Delete(store.IdentifierValueKey(i.TypeID, i.Value),
			store.Cond(expression.Name("identifierId").Equal(expression.Value(i.IdentifierID))), errNotFound)
	}
	n := expression.Name("count")
	tx.Update(store.IdentifierCountKey(i.ProfileID, i.TypeID), expression.Add(n, expression.Value(-1)),
		store.Cond(n.GreaterThan(expression.Value(0))), errNotFound)
}
