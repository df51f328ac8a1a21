package consent_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type item struct {
	ClauseID        string  `json:"clauseId"`
	Title           string  `json:"title"`
	Mandatory       bool    `json:"mandatory"`
	GDPR            bool    `json:"gdpr"`
	Version         int     `json:"version"`
	Accepted        bool    `json:"accepted"`
	AcceptedVersion *int    `json:"acceptedVersion"`
	AcceptedAt      *string `json:"acceptedAt"`
	WithdrawnAt     *string `json:"withdrawnAt"`
	AccountStatus   string  `json:"accountStatus"`
	BlockReason     *string `json:"blockReason"`
}

func consents(t *testing.T, e *testenv.Env, token string) map[string]item {
	t.Helper()
	var l struct{ Items []item }
	res := e.Call(t, "GET", "/account/consents", token, nil).Expect(t, 200)
	// The gate, then the clauses and the answers at once: two in time.
	if res.Calls > 3 {
		t.Errorf("GET /account/consents: %d DynamoDB calls, budget 3 (2 in time)", res.Calls)
	}
	res.Decode(t, &l)
	out := map[string]item{}
	for _, it := range l.Items {
		out[it.ClauseID] = it
	}
	return out
}

func put(t *testing.T, e *testenv.Env, token, clause string, body map[string]any, status int) (item, *testenv.Resp) {
	t.Helper()
	var it item
	res := e.Call(t, "PUT", "/account/consents/"+clause, token, body).Expect(t, status)
	if status == 200 {
		res.Decode(t, &it)
	}
	return it, res
}

func code(t *testing.T, r *testenv.Resp, status int, want string) {
	t.Helper()
	if p := r.Expect(t, status).Problem(t); p.Code != want {
		t.Fatalf("code %s, want %s (%s)", p.Code, want, r.Body)
	}
}

const memberPassword = "Czerwony-Autobus-2027"

// invited adds an adult member to the head's household and logs it in.
func invited(t *testing.T, e *testenv.Env, head testenv.Holder) testenv.Holder {
	t.Helper()
	addr := testenv.Email("jan")
	var p struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "POST", "/family", head.Token, map[string]any{"firstName": "Jan", "lastName": "Nowak", "birthDate": "1995-06-01",
		"relationship": "spouse", "email": addr}).Expect(t, 201).Decode(t, &p)
	var link string
	for _, m := range e.Outbox(t, addr) {
		if m.Template == outbox.FamilyInvitation {
			link = m.Data["link"]
		}
	}
	u, _ := url.Parse(link)
	e.Call(t, "POST", "/auth/invitation/accept", "", map[string]string{"token": u.Query().Get("token"),
		"newPassword": memberPassword, "newPasswordRepeat": memberPassword}).Expect(t, 204)
	return testenv.Holder{Email: addr, Token: e.Login(t, addr, memberPassword).AccessToken, ProfileID: p.ProfileID}
}

func cardsOf(t *testing.T, e *testenv.Env, profileID string) []card.Card {
	t.Helper()
	cs, err := card.OfProfile(context.Background(), store.Of(e.Deps), profileID)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

type accountView struct {
	Status      string  `json:"status"`
	BlockReason *string `json:"blockReason"`
}

func accountOf(t *testing.T, e *testenv.Env, token string) accountView {
	t.Helper()
	var a accountView
	e.Call(t, "GET", "/account", token, nil).Expect(t, 200).Decode(t, &a)
	return a
}

// R7.1: the head's answers by clause; an answer to an older version of a
// clause is not an acceptance of the newer one until accepted again.
func TestConsentsWithVersions(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	cs := consents(t, e, head.Token)
	if len(cs) != 4 || !cs["terms"].Accepted || !cs["gdpr"].GDPR || cs["newsletter"].Accepted || cs["newsletter"].AcceptedVersion != nil ||
		cs["terms"].AcceptedVersion == nil || *cs["terms"].AcceptedVersion != 1 || cs["terms"].AcceptedAt == nil || cs["terms"].Title == "" {
		t.Fatalf("after registration %+v", cs)
	}
	it, res := put(t, e, head.Token, "newsletter", map[string]any{"accepted": true}, 200)
	if res.Calls > 3 {
		t.Errorf("accept: %d round trips, budget 3", res.Calls)
	}
	if !it.Accepted || it.AccountStatus != "active" || it.BlockReason != nil {
		t.Fatalf("accepted %+v", it)
	}
	// The city publishes a new version of the clause (the operators'
	// dictionary does this; written directly here).
	if err := store.Of(e.Deps).Update(context.Background(), store.DictionaryKey(dictionary.ConsentClauses, "newsletter"),
		expression.Set(expression.Name("version"), expression.Value(2)), store.Exists(), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = store.Of(e.Deps).Update(context.Background(), store.DictionaryKey(dictionary.ConsentClauses, "newsletter"),
			expression.Set(expression.Name("version"), expression.Value(1)), store.Exists(), nil)
	})
	n := consents(t, e, head.Token)["newsletter"]
	if n.Accepted || n.Version != 2 || n.AcceptedVersion == nil || *n.AcceptedVersion != 1 {
		t.Fatalf("newer version %+v", n)
	}
	put(t, e, head.Token, "newsletter", map[string]any{"accepted": true}, 200)
	if n := consents(t, e, head.Token)["newsletter"]; !n.Accepted || *n.AcceptedVersion != 2 {
		t.Fatalf("accepted again %+v", n)
	}
	// Withdrawing an optional clause blocks nothing.
	it, _ = put(t, e, head.Token, "newsletter", map[string]any{"accepted": false}, 200)
	if it.Accepted || it.WithdrawnAt == nil || it.AccountStatus != "active" {
		t.Fatalf("withdrawn %+v", it)
	}
	code(t, e.Call(t, "PUT", "/account/consents/nosuch", head.Token, map[string]any{"accepted": true}), 404, "not_found")
	code(t, e.Call(t, "PUT", "/account/consents/terms", head.Token, map[string]any{}), 422, "validation_failed")
}

// R7.2: the GDPR clause is withdrawn only with the confirmation; with it, the
// household's erasure begins (204): nobody of it logs in any more (the
// erasure itself is tested in shared/erasure). R10.4: only the head holds
// consents.
func TestGDPRConfirmationAndMembers(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	m := invited(t, e, head)
	code(t, e.Call(t, "PUT", "/account/consents/gdpr", head.Token, map[string]any{"accepted": false}), 409, "confirmation_required")
	code(t, e.Call(t, "PUT", "/account/consents/gdpr", head.Token, map[string]any{"accepted": false, "confirm": "WITHDRAW_GDPR "}), 422, "validation_failed")
	if g := consents(t, e, head.Token)["gdpr"]; !g.Accepted || g.WithdrawnAt != nil {
		t.Fatalf("gdpr after refused withdrawals %+v", g)
	}
	if a := accountOf(t, e, head.Token); a.Status != "active" {
		t.Fatalf("account %+v", a)
	}
	code(t, e.Call(t, "PUT", "/account/consents/terms", m.Token, map[string]any{"accepted": false}), 403, "household_head_only")
	code(t, e.Call(t, "GET", "/account/consents", m.Token, nil), 403, "household_head_only")
	e.Call(t, "PUT", "/account/consents/gdpr", head.Token, map[string]any{"accepted": false, "confirm": "WITHDRAW_GDPR"}).Expect(t, 204)
	e.Call(t, "GET", "/account", head.Token, nil).Expect(t, 401)
	e.Call(t, "GET", "/account", m.Token, nil).Expect(t, 401)
	code(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": head.Email, "password": testenv.ResidentPassword}), 401, "invalid_credentials")
}

// R7.3: withdrawing a mandatory clause blocks the head's and every member's
// account and every live card of the household (reason consent_withdrawn);
// the accounts still log in and reach only the routes marked WhileBlocked.
// Accepting every withdrawn clause again lifts exactly that block: a card
// lost before stays blocked.
func TestBlockAndUnblock(t *testing.T) {
	e := testenv.Get(t)
	head, headCard := e.CardHolder(t, nil)
	m := invited(t, e, head)
	e.Accept(t, e.Apply(t, head, m.ProfileID, "card_issue",
		e.CardData(t, head, m.ProfileID, map[string]any{"firstName": "Jan", "lastName": "Nowak", "birthDate": "1995-06-01"})))
	lost := cardsOf(t, e, m.ProfileID)[0]
	e.Call(t, "POST", "/profiles/me/cards/"+lost.CardID+"/block", m.Token, map[string]string{"reason": "lost"}).Expect(t, 200)

	it, res := put(t, e, head.Token, "terms", map[string]any{"accepted": false}, 200)
	t.Logf("withdrawal blocking a household of 2 with 2 cards: %d DynamoDB calls", res.Calls)
	if it.AccountStatus != "blocked" || it.BlockReason == nil || *it.BlockReason != "consent_withdrawn" || it.Accepted {
		t.Fatalf("withdrawal %+v", it)
	}
	for who, tok := range map[string]string{"head": head.Token, "member": m.Token} {
		if a := accountOf(t, e, tok); a.Status != "blocked" || a.BlockReason == nil || *a.BlockReason != "consent_withdrawn" {
			t.Fatalf("%s's account %+v", who, a)
		}
		code(t, e.Call(t, "GET", "/profiles/me/cards", tok, nil), 403, "account_blocked")
	}
	if c := cardsOf(t, e, head.ProfileID)[0]; c.Status != card.Blocked || c.BlockReason != card.ReasonConsentWithdrawn {
		t.Fatalf("head's card %+v", c)
	}
	if c := cardsOf(t, e, m.ProfileID)[0]; c.Status != card.Blocked || c.BlockReason != card.ReasonLost {
		t.Fatalf("lost card %+v", c)
	}
	// Blocked accounts log in.
	head.Token = e.Login(t, head.Email, testenv.ResidentPassword).AccessToken
	m.Token = e.Login(t, m.Email, memberPassword).AccessToken
	// A blocked card is no card at the verifier's either.
	var v struct {
		Valid bool `json:"valid"`
	}
	e.Call(t, "POST", "/verify", e.Staff(t, "inspector@example.com").AccessToken, map[string]string{"cardNumber": headCard.Number}).Expect(t, 200).Decode(t, &v)
	if v.Valid {
		t.Fatal("a card blocked for a withdrawn consent verified as valid")
	}
	// Only the head's consent lifts it, not an operator.
	code(t, e.Call(t, "POST", "/operator/cards/"+headCard.CardID+"/unblock", e.Staff(t, "operator@example.com").AccessToken, nil), 409, "card_state_conflict")

	// The blocked head's token on every route a resident may call: only the
	// routes marked WhileBlocked pass the gate (table-driven over routes.All).
	for _, r := range routes.All {
		if r.Access != routes.Resident && r.Access != routes.Account {
			continue
		}
		path := strings.NewReplacer("{profileId}", "me", "{cardId}", headCard.CardID, "{clauseId}", "newsletter").Replace(r.Path)
		path = strings.NewReplacer("{applicationId}", "x", "{caseId}", "x", "{identifierId}", "x").Replace(path)
		res := e.Call(t, r.Method, path, head.Token, "{}")
		if r.WhileBlocked {
			if res.Status == 403 || res.Status == 401 || res.Status >= 500 {
				t.Errorf("%s (WhileBlocked): %d %s", r.Key(), res.Status, res.Body)
			}
		} else if res.Status != 403 || res.Problem(t).Code != "account_blocked" {
			t.Errorf("%s: %d %s, want 403 account_blocked", r.Key(), res.Status, res.Body)
		}
	}

	// A second clause withdrawn; accepting one of the two keeps the block.
	put(t, e, head.Token, "residence", map[string]any{"accepted": false}, 200)
	if it, _ := put(t, e, head.Token, "terms", map[string]any{"accepted": true}, 200); it.AccountStatus != "blocked" || !it.Accepted {
		t.Fatalf("one of two accepted %+v", it)
	}
	it, res = put(t, e, head.Token, "residence", map[string]any{"accepted": true}, 200)
	t.Logf("acceptance lifting the block: %d DynamoDB calls", res.Calls)
	if it.AccountStatus != "active" || it.BlockReason != nil {
		t.Fatalf("both accepted %+v", it)
	}
	for who, tok := range map[string]string{"head": head.Token, "member": m.Token} {
		if a := accountOf(t, e, tok); a.Status != "active" || a.BlockReason != nil {
			t.Fatalf("%s's account %+v", who, a)
		}
		e.Call(t, "GET", "/profiles/me/cards", tok, nil).Expect(t, 200)
	}
	if c := cardsOf(t, e, head.ProfileID)[0]; c.Status != card.Active || c.BlockReason != "" {
		t.Fatalf("head's card after re-acceptance %+v", c)
	}
	if c := cardsOf(t, e, m.ProfileID)[0]; c.Status != card.Blocked || c.BlockReason != card.ReasonLost {
		t.Fatalf("lost card after re-acceptance %+v", c)
	}
	// A blocked household accepts no invitation: added before the block,
	// accepted during it.
	addr := testenv.Email("ewa")
	e.Call(t, "POST", "/family", head.Token, map[string]any{"firstName": "Ewa", "lastName": "Nowak", "birthDate": "1970-01-01",
		"relationship": "parent", "email": addr}).Expect(t, 201)
	put(t, e, head.Token, "terms", map[string]any{"accepted": false}, 200)
	var link string
	for _, ml := range e.Outbox(t, addr) {
		link = ml.Data["link"]
	}
	u, _ := url.Parse(link)
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", map[string]string{"token": u.Query().Get("token"),
		"newPassword": memberPassword, "newPasswordRepeat": memberPassword}), 403, "account_blocked")
}

// R7.3: an application filed before a withdrawal and accepted by an operator
// during the household's block gives a card blocked for the withdrawn
// consent; accepting the clause again lifts it with the household's others.
func TestCardIssuedDuringTheBlockIsBlocked(t *testing.T) {
	e := testenv.Get(t)
	head, _ := e.CardHolder(t, nil)
	var child struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "POST", "/family", head.Token, map[string]any{"firstName": "Ola", "lastName": "Nowak", "birthDate": "2016-03-10",
		"relationship": "child"}).Expect(t, 201).Decode(t, &child)
	app := e.Apply(t, head, child.ProfileID, "card_issue",
		e.CardData(t, head, child.ProfileID, map[string]any{"firstName": "Ola", "lastName": "Nowak", "birthDate": "2016-03-10"}))

	put(t, e, head.Token, "terms", map[string]any{"accepted": false}, 200)
	e.Accept(t, app)
	cs := cardsOf(t, e, child.ProfileID)
	if len(cs) != 1 || cs[0].Status != card.Blocked || cs[0].BlockReason != card.ReasonConsentWithdrawn {
		t.Fatalf("a card issued during the block: %+v", cs)
	}
	put(t, e, head.Token, "terms", map[string]any{"accepted": true}, 200)
	if cs := cardsOf(t, e, child.ProfileID); cs[0].Status != card.Active || cs[0].BlockReason != "" {
		t.Fatalf("the card after the block is lifted: %+v", cs[0])
	}
}
