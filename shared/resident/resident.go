// Package resident is the operators' view of residents (R11.2): search by
// e-mail, card number or a name's prefix (the profile package's index, never
// a scan), and a resident's whole record. Every view is recorded in the
// audit trail (R15.9).
package resident

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/consent"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/textfold"
)

var errNotFound = apierr.New(apierr.NotFound, "No such resident.")

// Match is one search result.
type Match struct {
	ProfileID   string  `json:"profileId"`
	HouseholdID string  `json:"householdId"`
	FirstName   string  `json:"firstName"`
	LastName    string  `json:"lastName"`
	BirthDate   string  `json:"birthDate"`
	Email       *string `json:"email"`
	Head        bool    `json:"head"`
	// MatchedBy: email, cardNumber or name.
	MatchedBy string `json:"matchedBy"`
}

func match(e *profile.IndexEntry, by string) Match {
	m := Match{ProfileID: e.ProfileID, HouseholdID: e.HouseholdID, FirstName: e.FirstName, LastName: e.LastName,
		BirthDate: e.BirthDate, Head: e.Head, MatchedBy: by}
	if e.Email != "" {
		m.Email = &e.Email
	}
	return m
}

// maxQuery bounds q: a name's prefix, an address or a card number.
const maxQuery = 100

// Search serves GET /operator/residents?q= (R11.2): q with "@" is an e-mail
// (exact, GSI2), a valid card number finds its holder (the number's claim,
// then the holder's entry), anything else is a prefix of the names in either
// order, folded (GSI1, paged). Searches are not views of anyone's record;
// opening one is.
func Search(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		q := strings.TrimSpace(r.Query["q"])
		switch {
		case q == "":
			return nil, apierr.Invalid(apierr.FieldError{Field: "q", Code: "required"})
		case utf8.RuneCountInString(q) > maxQuery:
			return nil, apierr.Invalid(apierr.FieldError{Field: "q", Code: "too_long"})
		}
		t := store.Of(d)
		if strings.Contains(q, "@") {
			var es []profile.IndexEntry
			_, err := t.Query(ctx, store.QueryInput{Index: store.GSI2,
				KeyCond: expression.Key("GSI2PK").Equal(expression.Value(store.ResidentEmailPK(q)))}, &es)
			if err != nil {
				return nil, err
			}
			return matches(es, "email", nil), nil
		}
		if digits := strings.ReplaceAll(q, " ", ""); card.ValidNumber(digits) {
			return byCard(ctx, t, r, digits)
		}
		folded := textfold.Fold(q)
		pk := store.ResidentNamePK(profile.NameLetter(folded))
		page, err := httpapi.PageOf(r, "GSI1PK", pk, true)
		if err != nil {
			return nil, err
		}
		var es []profile.IndexEntry
		next, err := t.Query(ctx, store.QueryInput{Index: store.GSI1,
			KeyCond: expression.Key("GSI1PK").Equal(expression.Value(pk)).
				And(expression.Key("GSI1SK").BeginsWith(folded)),
			Limit: page.Limit, Forward: page.Ascending, StartKey: page.Start}, &es)
		if err != nil {
			return nil, err
		}
		return matches(es, "name", store.EncodeCursor(next)), nil
	}
}

// cardNumberClaim names the claim of a card number searched for, so the
// adapter reads it with the operator's account: a search by number costs the
// gate, the entry (2 round trips) like the others.
func cardNumberClaim(r *httpapi.Request) []store.Key {
	q := strings.TrimSpace(r.Query["q"])
	if strings.Contains(q, "@") || utf8.RuneCountInString(q) > maxQuery {
		return nil
	}
	if digits := strings.ReplaceAll(q, " ", ""); card.ValidNumber(digits) {
		return []store.Key{store.CardNumberKey(digits)}
	}
	return nil
}

func init() { httpapi.RegisterPrefetch("search-residents", cardNumberClaim) }

// matches answers a page, each profile once (both of its entries may match).
func matches(es []profile.IndexEntry, by string, next *string) *httpapi.Response {
	seen := map[string]bool{}
	items := make([]Match, 0, len(es))
	for i := range es {
		if !seen[es[i].ProfileID] {
			seen[es[i].ProfileID] = true
			items = append(items, match(&es[i], by))
		}
	}
	return httpapi.JSON(200, httpapi.List[Match]{Items: items, NextCursor: next})
}

// byCard finds a card number's holder: the number's claim (read with the
// gate: cardNumberClaim) names the profile, whose entry is read then.
func byCard(ctx context.Context, t *store.Table, r *httpapi.Request, number string) (*httpapi.Response, error) {
	var claim card.NumberClaim
	err := r.Get(ctx, t, store.CardNumberKey(number), &claim)
	if errors.Is(err, store.ErrNotFound) {
		return matches(nil, "cardNumber", nil), nil
	}
	if err != nil {
		return nil, err
	}
	var e profile.IndexEntry
	err = t.Get(ctx, store.ResidentIndexKey(claim.ProfileID, profile.FormLastFirst), &e)
	if errors.Is(err, store.ErrNotFound) {
		return matches(nil, "cardNumber", nil), nil
	}
	if err != nil {
		return nil, err
	}
	return matches([]profile.IndexEntry{e}, "cardNumber", nil), nil
}

// ConsentView is a consent as operators see it: accepted only if it stands
// for the clause's current version.
type ConsentView struct {
	ClauseID        string     `json:"clauseId"`
	Title           string     `json:"title"`
	Mandatory       bool       `json:"mandatory"`
	GDPR            bool       `json:"gdpr"`
	Version         int        `json:"version"`
	Accepted        bool       `json:"accepted"`
	AcceptedVersion *int       `json:"acceptedVersion"`
	AcceptedAt      *time.Time `json:"acceptedAt"`
	WithdrawnAt     *time.Time `json:"withdrawnAt"`
}

// AccountView is the account behind a profile.
type AccountView struct {
	AccountID string    `json:"accountId"`
	Email     string    `json:"email"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
}

// Detail is GET /operator/residents/{profileId}.
type Detail struct {
	Profile      profile.View       `json:"profile"`
	HouseholdID  string             `json:"householdId"`
	Household    []profile.View     `json:"household"`
	Account      *AccountView       `json:"account"`
	Cards        []card.View        `json:"cards"`
	Applications []application.View `json:"applications"`
	Packages     any                `json:"packages"`
	Identifiers  any                `json:"identifiers"`
	Consents     []ConsentView      `json:"consents"`
}

// Get serves GET /operator/residents/{profileId} (R11.2): one Query of the
// profile's partition (its index entry, applications, cards with history and
// holder items), then the household's profiles and the account with its
// consents at once; the view is recorded (R15.9).
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		id := r.Params["profileId"]
		if id == profile.Me {
			return nil, errNotFound
		}
		t := store.Of(d)
		items, err := queryAll(ctx, t, store.QueryInput{
			KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(id))).
				And(expression.Key("SK").Between(expression.Value(store.ResidentFrom), expression.Value(store.HolderRangeEnd))),
			Forward: true, Consistent: true,
		})
		if err != nil {
			return nil, err
		}
		var entry *profile.IndexEntry
		var apps []application.Application
		var rest []map[string]types.AttributeValue
		for _, it := range items {
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			switch {
			case sk == nil:
			case sk.Value == store.ResidentIndexKey(id, profile.FormLastFirst).SK:
				entry = &profile.IndexEntry{}
				if err := attributevalue.UnmarshalMap(it, entry); err != nil {
					return nil, err
				}
			case strings.HasPrefix(sk.Value, store.ApplicationSKPrefix):
				var a application.Application
				if err := attributevalue.UnmarshalMap(it, &a); err != nil {
					return nil, err
				}
				apps = append(apps, a)
			default:
				rest = append(rest, it)
			}
		}
		if entry == nil {
			return nil, errNotFound
		}
		h, err := card.Gather(rest)
		if err != nil {
			return nil, err
		}
		var household []profile.Profile
		var acc *account.Account
		var consents []consent.Consent
		var clauses []dictionary.Clause
		var g group
		gctx := ctx
		g.Go(func() error {
			_, err := t.Query(gctx, store.QueryInput{
				KeyCond: expression.Key("PK").Equal(expression.Value(store.HouseholdPK(entry.HouseholdID))).
					And(expression.Key("SK").BeginsWith(store.ProfileSKPrefix)),
				Forward: true, Consistent: true,
			}, &household)
			return err
		})
		if entry.AccountID != "" {
			g.Go(func() error {
				its, err := queryAll(gctx, t, store.QueryInput{
					KeyCond: expression.Key("PK").Equal(expression.Value(store.AccountKey(entry.AccountID).PK)),
					Forward: true, Consistent: true,
				})
				if err != nil {
					return err
				}
				for _, it := range its {
					sk, _ := it["SK"].(*types.AttributeValueMemberS)
					switch {
					case sk == nil:
					case sk.Value == store.AccountKey(entry.AccountID).SK:
						acc = &account.Account{}
						err = attributevalue.UnmarshalMap(it, acc)
					case strings.HasPrefix(sk.Value, store.ConsentSKPrefix):
						var c consent.Consent
						err = attributevalue.UnmarshalMap(it, &c)
						consents = append(consents, c)
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
			g.Go(func() error {
				var err error
				clauses, err = dictionary.CachedClauses(gctx, t)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		v := Detail{HouseholdID: entry.HouseholdID, Household: []profile.View{}, Cards: []card.View{},
			Applications: []application.View{}, Consents: []ConsentView{}}
		found := false
		for i := range household {
			pv := profile.ToView(&household[i])
			if household[i].ProfileID == id {
				v.Profile, found = pv, true
			}
			v.Household = append(v.Household, pv)
		}
		if !found {
			return nil, errNotFound // the entry outlived its profile
		}
		if acc != nil {
			v.Account = &AccountView{AccountID: acc.AccountID, Email: acc.Email, Status: acc.Status, CreatedAt: acc.CreatedAt}
		}
		for i := range h.Cards {
			v.Cards = append(v.Cards, card.ToView(ctx, d, &h.Cards[i], h, true))
		}
		for i := len(apps) - 1; i >= 0; i-- {
			v.Applications = append(v.Applications, application.ToView(&apps[i], true))
		}
		hv := card.ToView(ctx, d, &card.Card{}, h, false)
		v.Packages, v.Identifiers = hv.Packages, hv.Identifiers
		v.Consents = consentViews(clauses, consents)
		audit.Viewed(ctx, t, d.Log, r.Account, "resident.view", id, id)
		return httpapi.JSON(200, v), nil
	}
}

// consentViews joins the account's consents to the clauses: every clause
// known (retired ones only where the account answered them), accepted only
// where the answer stands for the current version.
func consentViews(clauses []dictionary.Clause, consents []consent.Consent) []ConsentView {
	byID := map[string]*consent.Consent{}
	for i := range consents {
		byID[consents[i].ClauseID] = &consents[i]
	}
	out := []ConsentView{}
	for _, cl := range clauses {
		c := byID[cl.ID]
		v := ConsentView{ClauseID: cl.ID, Title: cl.Title, Mandatory: cl.Mandatory, GDPR: cl.GDPR, Version: cl.Version,
			Accepted: c.Stands(cl.Version)}
		if c != nil {
			if c.Accepted {
				ver := c.Version
				v.AcceptedVersion = &ver
			}
			v.AcceptedAt, v.WithdrawnAt = c.AcceptedAt, c.WithdrawnAt
		}
		out = append(out, v)
	}
	return out
}

// queryAll reads every page of a Query.
func queryAll(ctx context.Context, t *store.Table, q store.QueryInput) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	for {
		items, next, err := t.QueryItems(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == nil {
			return out, nil
		}
		q.StartKey = next
	}
}

// group runs reads at once and keeps the first error.
type group struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.mu.Lock()
			if g.err == nil {
				g.err = err
			}
			g.mu.Unlock()
		}
	}()
}

func (g *group) Wait() error { g.wg.Wait(); return g.err }
