package erasure

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Found is one item held about the people, with the rule that governs it.
type Found struct {
	Rule *Rule
	Key  store.Key
	// Item is the item as stored; nil for a claim known by its key alone
	// (its value is one of another found item's: a card number, an e-mail).
	Item map[string]types.AttributeValue
}

// Holdings is everything the platform holds about the people of a target.
type Holdings struct {
	Accounts []account.Account
	Items    []Found
	// Reads counts the DynamoDB operations the gathering made.
	Reads int
}

// Target names the people: the accounts and the profiles of one household.
type Target struct {
	HouseholdID string   `dynamodbav:"householdId" json:"-"`
	Accounts    []string `dynamodbav:"accounts" json:"-"`
	Profiles    []string `dynamodbav:"profiles" json:"-"`
}

// errUnknownItem: an item the registry does not recognize was found under the
// people's keys; neither erasure nor export goes on without a rule for it.
type errUnknownItem struct{ pk, sk string }

func (e errUnknownItem) Error() string {
	return fmt.Sprintf("erasure: no rule for an item under %.12s… / %.16s…", e.pk, e.sk)
}

type gatherer struct {
	t *store.Table
	h *Holdings
}

func (g *gatherer) add(it map[string]types.AttributeValue) (*Found, error) {
	var k store.Key
	if err := attributevalue.UnmarshalMap(it, &k); err != nil {
		return nil, err
	}
	r := ruleOf(k.PK, k.SK)
	if r == nil {
		return nil, errUnknownItem{k.PK, k.SK}
	}
	g.h.Items = append(g.h.Items, Found{Rule: r, Key: k, Item: it})
	return &g.h.Items[len(g.h.Items)-1], nil
}

func (g *gatherer) claim(prefix string, k store.Key) {
	for i := range Registry {
		if Registry[i].Prefix == prefix {
			g.h.Items = append(g.h.Items, Found{Rule: &Registry[i], Key: k})
			return
		}
	}
}

// query reads every page of a query.
func (g *gatherer) query(ctx context.Context, q store.QueryInput) ([]map[string]types.AttributeValue, error) {
	var all []map[string]types.AttributeValue
	for {
		items, next, err := g.t.QueryItems(ctx, q)
		g.h.Reads++
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == nil {
			return all, nil
		}
		q.StartKey = next
	}
}

func partition(pk string) store.QueryInput {
	return store.QueryInput{KeyCond: expression.Key("PK").Equal(expression.Value(pk)), Forward: true, Consistent: true}
}

func indexed(index, attr, pk string) store.QueryInput {
	return store.QueryInput{Index: index, KeyCond: expression.Key(attr).Equal(expression.Value(pk)), Forward: true}
}

// Gather reads everything held about a target, by the registry's ways of
// finding it. It reads; it changes nothing.
func Gather(ctx context.Context, t *store.Table, tg Target) (*Holdings, error) {
	g := &gatherer{t: t, h: &Holdings{}}
	seen := map[store.Key]bool{}
	addAll := func(items []map[string]types.AttributeValue) error {
		for _, it := range items {
			var k store.Key
			_ = attributevalue.UnmarshalMap(it, &k)
			if seen[k] {
				continue
			}
			seen[k] = true
			if _, err := g.add(it); err != nil {
				return err
			}
		}
		return nil
	}
	// The accounts' partitions: the account and its consents.
	for _, id := range tg.Accounts {
		items, err := g.query(ctx, partition(store.AccountKey(id).PK))
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			f, err := g.add(it)
			if err != nil {
				return nil, err
			}
			if f.Rule.Prefix == "ACCOUNT#" {
				var a account.Account
				if err := attributevalue.UnmarshalMap(it, &a); err != nil {
					return nil, err
				}
				g.h.Accounts = append(g.h.Accounts, a)
			}
		}
	}
	// The profile items of the target in its household.
	var invited []string
	if tg.HouseholdID != "" {
		q := partition(store.HouseholdPK(tg.HouseholdID))
		q.KeyCond = q.KeyCond.And(expression.Key("SK").BeginsWith(store.ProfileSKPrefix))
		items, err := g.query(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			var p struct {
				ProfileID      string `dynamodbav:"profileId"`
				Email          string `dynamodbav:"email"`
				InvitationHash string `dynamodbav:"invitationHash"`
			}
			_ = attributevalue.UnmarshalMap(it, &p)
			if !slices.Contains(tg.Profiles, p.ProfileID) {
				continue
			}
			if err := addAll([]map[string]types.AttributeValue{it}); err != nil {
				return nil, err
			}
			// A member invited and not yet in: its link and the mail to its address.
			if p.InvitationHash != "" {
				g.claim("TOKEN#", store.TokenKey(p.InvitationHash))
			}
			if p.Email != "" {
				invited = append(invited, p.Email)
			}
		}
	}
	for _, p := range tg.Profiles {
		items, err := g.query(ctx, partition(store.ProfilePK(p)))
		if err != nil {
			return nil, err
		}
		if err := addAll(items); err != nil {
			return nil, err
		}
		for _, it := range items {
			var v struct {
				store.Key
				CardID   string `dynamodbav:"cardId"`
				Number   string `dynamodbav:"number"`
				TypeID   string `dynamodbav:"typeId"`
				Value    string `dynamodbav:"value"`
				Unique   bool   `dynamodbav:"unique"`
				Identity string `dynamodbav:"identifierId"`
			}
			_ = attributevalue.UnmarshalMap(it, &v)
			switch r := ruleOf(v.PK, v.SK); {
			case r.Prefix == "CARD#":
				if v.Number != "" {
					g.claim("CARDNO#", store.CardNumberKey(v.Number))
				}
				checks, err := g.query(ctx, partition(store.ChecksPK(v.CardID)))
				if err != nil {
					return nil, err
				}
				if err := addAll(checks); err != nil {
					return nil, err
				}
				revoked, err := g.query(ctx, indexed(store.GSI1, "GSI1PK", store.CardRevocationsPK(v.CardID)))
				if err != nil {
					return nil, err
				}
				if err := addAll(revoked); err != nil {
					return nil, err
				}
			case r.Prefix == "IDENT#" && v.Unique:
				g.claim("IDENTVAL#", store.IdentifierValueKey(v.TypeID, v.Value))
			}
		}
		// Benefit records and the audit trail's entries about the profile.
		for _, pk := range []string{store.BenefitsPK(p), store.AuditProfilePK(p)} {
			items, err := g.query(ctx, indexed(store.GSI1, "GSI1PK", pk))
			if err != nil {
				return nil, err
			}
			if err := addAll(items); err != nil {
				return nil, err
			}
		}
	}
	// Items elsewhere that name the accounts: by the owner index and, for
	// mail to an address, by the address's hash.
	for _, addr := range invited {
		mail, err := g.query(ctx, indexed(store.GSI2, "GSI2PK", store.MailToPK(addr)))
		if err != nil {
			return nil, err
		}
		if err := addAll(mail); err != nil {
			return nil, err
		}
	}
	for _, a := range g.h.Accounts {
		items, err := g.query(ctx, indexed(store.GSI2, "GSI2PK", store.OwnerPK(a.AccountID)))
		if err != nil {
			return nil, err
		}
		if err := addAll(items); err != nil {
			return nil, err
		}
		if a.Email != "" {
			mail, err := g.query(ctx, indexed(store.GSI2, "GSI2PK", store.MailToPK(a.Email)))
			if err != nil {
				return nil, err
			}
			if err := addAll(mail); err != nil {
				return nil, err
			}
			g.claim("EMAIL#", store.EmailKey(a.Email))
		}
	}
	return g.h, nil
}
