package erasure

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// PasswordInvalid: the password given to confirm a deletion is wrong. The
// same code as a password change's wrong current password (422, not 401,
// which clients read as "session over").
var PasswordInvalid = apierr.Register("current_password_invalid", http.StatusUnprocessableEntity)

type deleteBody struct {
	Password string `json:"password"`
}

func (b *deleteBody) Validate(c *httpapi.Checks) { c.Required("password", b.Password) }

// member is a profile of a household as the erasure needs it.
type member struct {
	ProfileID string `dynamodbav:"profileId"`
	AccountID string `dynamodbav:"accountId"`
	Head      bool   `dynamodbav:"head"`
}

// household reads a household's profiles (one Query).
func household(ctx context.Context, t *store.Table, householdID string) ([]member, error) {
	var ms []member
	var start map[string]types.AttributeValue
	for {
		var page []member
		next, err := t.Query(ctx, store.QueryInput{
			KeyCond: expression.Key("PK").Equal(expression.Value(store.HouseholdPK(householdID))).
				And(expression.Key("SK").BeginsWith(store.ProfileSKPrefix)),
			Forward: true, Consistent: true, StartKey: start}, &page)
		if err != nil {
			return nil, err
		}
		ms = append(ms, page...)
		if next == nil {
			return ms, nil
		}
		start = next
	}
}

// People are whom an account's erasure erases: a head's whole household, a
// member only itself. The caller's own account is conditioned on the version
// the request read.
func People(ctx context.Context, t *store.Table, acc *account.Account) (scope string, people []Person, err error) {
	if !acc.Head {
		return ScopeMember, []Person{{AccountID: acc.AccountID, Version: acc.Version, Email: acc.Email, ProfileID: acc.ProfileID}}, nil
	}
	ms, err := household(ctx, t, acc.HouseholdID)
	if err != nil {
		return "", nil, err
	}
	people = []Person{{AccountID: acc.AccountID, Version: acc.Version, Email: acc.Email, ProfileID: acc.ProfileID}}
	for _, m := range ms {
		if m.ProfileID == acc.ProfileID {
			continue
		}
		// A member's address is in its account, which the job reads: the job
		// mails the member's confirmation before the address goes.
		people = append(people, Person{AccountID: m.AccountID, ProfileID: m.ProfileID})
	}
	return ScopeHousehold, people, nil
}

// StartFor adds to tx the erasure an account asks for (its deletion, or the
// head's GDPR withdrawal): a head's household, or a member itself.
func StartFor(ctx context.Context, d *platform.Deps, tx *store.Tx, acc *account.Account) error {
	scope, people, err := People(ctx, store.Of(d), acc)
	if err != nil {
		return err
	}
	Start(tx, d.Now(), d.Config.PortalURL, acc.HouseholdID, scope, people)
	return nil
}

// DeleteAccount serves DELETE /account (R6.2): the password confirms it; a
// head's deletion erases the household, a member's the member. From the
// commit on nobody of them can log in; the rest of the erasure follows as a
// task.
func DeleteAccount(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *deleteBody) (*httpapi.Response, error) {
		acc := r.Account
		if acc.ProfileID == "" {
			return nil, apierr.New(apierr.Forbidden, "Staff accounts are removed by the city's administrators.")
		}
		tok, err := identity.Of(d).Login(ctx, acc.Email, b.Password)
		if apierr.Is(err, apierr.InvalidCredentials) {
			return nil, &apierr.Error{Code: PasswordInvalid, Message: "The password is wrong.",
				Fields: []apierr.FieldError{{Field: "password", Code: "invalid"}}}
		}
		if err != nil {
			return nil, err
		}
		// The check's own session is not handed out.
		_ = identity.Of(d).Revoke(ctx, tok.RefreshToken)
		tx := &store.Tx{}
		if err := StartFor(ctx, d, tx, acc); err != nil {
			return nil, err
		}
		return httpapi.NoContent().With(tx), nil
	})
}

// Document is the export (R15.4): everything held about the caller's
// profiles, grouped by the registry's kinds of item.
type Document struct {
	ExportedAt time.Time `json:"exportedAt"`
	AccountID  string    `json:"accountId"`
	Profiles   []string  `json:"profiles"`
	// Items are the stored items by kind (the registry's names), without
	// their keys and secrets (hashes of links and passwords' leases).
	Items map[string][]map[string]any `json:"items"`
	// OperatorViews are who among the city's staff looked at the data, when
	// and what (R15.9), oldest first.
	OperatorViews []audit.View `json:"operatorViews"`
}

// hidden are attributes an export leaves out: keys, index keys, secrets.
var hidden = map[string]bool{"PK": true, "SK": true, "GSI1PK": true, "GSI1SK": true, "GSI2PK": true, "GSI2SK": true,
	"activationHash": true, "resetHash": true, "passwordLeaseBy": true, "passwordLeaseUntil": true, "bodyHash": true, "ttl": true}

// Export serves GET /account/export: a head's household, a member's own
// profile, as one JSON attachment.
func Export(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		acc := r.Account
		if acc.ProfileID == "" {
			return nil, apierr.New(apierr.Forbidden, "Staff accounts hold no resident's data.")
		}
		_, people, err := People(ctx, store.Of(d), acc)
		if err != nil {
			return nil, err
		}
		tg := Target{HouseholdID: acc.HouseholdID}
		for _, p := range people {
			tg.Profiles = append(tg.Profiles, p.ProfileID)
			if p.AccountID != "" {
				tg.Accounts = append(tg.Accounts, p.AccountID)
			}
		}
		h, err := Gather(ctx, store.Of(d), tg)
		if err != nil {
			return nil, err
		}
		doc, err := document(h, acc.AccountID, tg.Profiles, d.Now())
		if err != nil {
			return nil, err
		}
		resp := httpapi.JSON(200, doc)
		resp.Headers = map[string]string{"Content-Disposition": `attachment; filename="karta-mieszkanca-` + d.Now().UTC().Format("2006-01-02") + `.json"`}
		return resp, nil
	}
}

func document(h *Holdings, accountID string, profiles []string, now time.Time) (*Document, error) {
	doc := &Document{ExportedAt: now.UTC(), AccountID: accountID, Profiles: profiles, Items: map[string][]map[string]any{}, OperatorViews: []audit.View{}}
	for _, f := range h.Items {
		if f.Item == nil {
			continue // a claim: its value is in the item it claims for
		}
		if f.Rule.Prefix == "AUDIT#" {
			var e audit.Entry
			if err := attributevalue.UnmarshalMap(f.Item, &e); err != nil {
				return nil, err
			}
			if e.Kind == audit.KindView {
				doc.OperatorViews = append(doc.OperatorViews, e.View())
			}
		}
		var m map[string]any
		if err := attributevalue.UnmarshalMap(f.Item, &m); err != nil {
			return nil, err
		}
		for k := range m {
			if hidden[k] {
				delete(m, k)
			}
		}
		// A stored answer (idempotency) is JSON: shown as such.
		if raw, ok := m["response"].([]byte); ok {
			var v any
			if json.Unmarshal(raw, &v) == nil {
				m["response"] = v
			}
		}
		doc.Items[f.Rule.Item] = append(doc.Items[f.Rule.Item], m)
	}
	for k := range doc.Items {
		sort.SliceStable(doc.Items[k], func(i, j int) bool {
			return strings.Compare(stringOf(doc.Items[k][i]), stringOf(doc.Items[k][j])) < 0
		})
	}
	sort.SliceStable(doc.OperatorViews, func(i, j int) bool { return doc.OperatorViews[i].At.Before(doc.OperatorViews[j].At) })
	return doc, nil
}

func stringOf(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

var errNoMember = apierr.New(apierr.NotFound, "No such profile.")

// DeleteMember serves DELETE /family/{profileId} (R10): the head removes a
// family member, whose account, cards and data are erased as its own
// deletion would erase them. The head's own profile is not a member (404, as
// the other family routes answer); deleting the household is DELETE /account.
func DeleteMember(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		acc := r.Account
		id := r.Params["profileId"]
		if !acc.Head || id == acc.ProfileID || !store.IsID(id) {
			return nil, errNoMember
		}
		var m member
		err := store.Of(d).Get(ctx, store.ProfileKey(acc.HouseholdID, id), &m)
		if errors.Is(err, store.ErrNotFound) {
			return nil, errNoMember
		}
		if err != nil {
			return nil, err
		}
		tx := &store.Tx{}
		Start(tx, d.Now(), d.Config.PortalURL, acc.HouseholdID, ScopeMember, []Person{{AccountID: m.AccountID, ProfileID: id}})
		return httpapi.NoContent().With(tx), nil
	}
}
