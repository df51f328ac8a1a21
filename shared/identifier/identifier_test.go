package identifier_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/identifier"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type view struct {
	IdentifierID string    `json:"identifierId"`
	TypeID       string    `json:"typeId"`
	Name         string    `json:"name"`
	Value        string    `json:"value"`
	CreatedAt    time.Time `json:"createdAt"`
}

func add(e *testenv.Env, t *testing.T, h testenv.Holder, typ, value string) *testenv.Resp {
	t.Helper()
	return e.Call(t, "POST", h.Path("/identifiers"), h.Token, map[string]string{"typeId": typ, "value": value})
}

// unique makes a value no other test uses (values of unique types are city-wide).
func unique(digits int) string {
	return fmt.Sprintf("%0*d", digits, time.Now().UnixNano()%int64(pow10(digits)))
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// putType adds an identifier type as an operator would.
func putType(t *testing.T, e *testenv.Env, id string, fields map[string]any) {
	t.Helper()
	if err := store.Of(e.Deps).Put(context.Background(), &dictionary.Entry{Key: store.DictionaryKey(dictionary.IdentifierTypes, id),
		ID: id, Name: "Typ " + id, Active: true, Fields: fields}); err != nil {
		t.Fatal(err)
	}
}

// R4.10: only a profile with an active card adds identifiers.
func TestIdentifierNeedsAnActiveCard(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	if p := add(e, t, h, "student-id", "123456").Expect(t, 409).Problem(t); p.Code != "active_card_required" {
		t.Fatalf("without a card: %+v", p)
	}
	h, c := e.CardHolder(t, nil)
	e.Call(t, "POST", h.Path("/cards/"+c.CardID+"/block"), h.Token, map[string]string{"reason": "lost"}).Expect(t, 200)
	if p := add(e, t, h, "student-id", "123456").Expect(t, 409).Problem(t); p.Code != "active_card_required" {
		t.Fatalf("with a blocked card: %+v", p)
	}
}

// R4.10, R14.2: the type must be configured, the value must match its
// pattern (RE2, the whole value) and be one line.
func TestIdentifierInput(t *testing.T) {
	e := testenv.Get(t)
	h, _ := e.CardHolder(t, nil)
	cases := []struct{ typ, value, field, code string }{
		{"yacht-club", "123456", "typeId", "unknown"},
		{"", "123456", "typeId", "required"},
		{"student-id", "12ab", "value", "pattern"},
		{"student-id", "1234567890", "value", "pattern"},
		{"student-id", "x123456", "value", "pattern"}, // the pattern matches the whole value
		{"student-id", "", "value", "required"},
		{"student-id", "123\n456", "value", "invalid_character"},
	}
	for _, c := range cases {
		p := add(e, t, h, c.typ, c.value).Expect(t, 422).Problem(t)
		if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != c.code {
			t.Errorf("%q %q: %+v", c.typ, c.value, p)
		}
	}
	if l := list(t, e, h); len(l) != 0 {
		t.Fatalf("refused requests added %v", l)
	}
}

func list(t *testing.T, e *testenv.Env, h testenv.Holder) []view {
	t.Helper()
	var l struct{ Items []view }
	res := e.Call(t, "GET", h.Path("/identifiers"), h.Token, nil).Expect(t, 200)
	res.Decode(t, &l)
	if res.Calls > 2 {
		t.Errorf("GET identifiers made %d round trips, budget 2", res.Calls)
	}
	return l.Items
}

// R4.10, R12.1: an identifier is listed, shown with the card and to
// inspectors (not partners); a unique value is held by one profile in the
// city until it is deleted.
func TestIdentifierLifecycle(t *testing.T) {
	e := testenv.Get(t)
	h, c := e.CardHolder(t, nil)
	value := unique(8)
	var v view
	res := add(e, t, h, "student-id", " "+value+" ").Expect(t, 201)
	res.Decode(t, &v)
	if v.IdentifierID == "" || v.TypeID != "student-id" || v.Name != "Legitymacja studencka" || v.Value != value || v.CreatedAt.IsZero() {
		t.Fatalf("added %s", res.Body)
	}
	// The gate with the type (one BatchGetItem), the holder's Query, the commit.
	if res.Calls > 3 {
		t.Errorf("POST identifiers made %d round trips, budget 3", res.Calls)
	}
	if l := list(t, e, h); len(l) != 1 || l[0] != v {
		t.Fatalf("list %+v", l)
	}
	if cs := e.Cards(t, h, h.ProfileID); len(cs[0].Identifiers) != 1 || cs[0].Identifiers[0].Value != value {
		t.Fatalf("card shows %+v", cs[0].Identifiers)
	}
	insp := e.Staff(t, "inspector@example.com").AccessToken
	var verdict struct {
		Identifiers []struct{ TypeID, Name, Value string }
	}
	e.Call(t, "POST", "/verify", insp, map[string]string{"cardNumber": c.Number}).Expect(t, 200).Decode(t, &verdict)
	if len(verdict.Identifiers) != 1 || verdict.Identifiers[0].Value != value || verdict.Identifiers[0].TypeID != "student-id" {
		t.Fatalf("inspector sees %+v", verdict)
	}
	partner := e.Staff(t, "partner@example.com").AccessToken
	e.Call(t, "POST", "/verify", partner, map[string]string{"cardNumber": c.Number}).Expect(t, 200).Decode(t, &verdict)
	if len(verdict.Identifiers) != 0 {
		t.Fatalf("partner sees %+v", verdict)
	}

	// The type allows one per profile; the value is taken for everyone else.
	if p := add(e, t, h, "student-id", unique(7)).Expect(t, 409).Problem(t); p.Code != "identifier_limit" {
		t.Fatalf("second of a type: %+v", p)
	}
	other, _ := e.CardHolder(t, nil)
	if p := add(e, t, other, "student-id", value).Expect(t, 409).Problem(t); p.Code != "identifier_taken" {
		t.Fatalf("taken value: %+v", p)
	}

	// Another household cannot delete it; deleting frees the value.
	path := h.Path("/identifiers/" + v.IdentifierID)
	for name, c := range map[string]struct{ path, token string }{
		"another household's identifier": {path, other.Token},
		"on the caller's own path":       {other.Path("/identifiers/" + v.IdentifierID), other.Token},
		"a missing identifier":           {h.Path("/identifiers/" + ulid.Make().String()), h.Token},
	} {
		if pr := e.Call(t, "DELETE", c.path, c.token, nil).Expect(t, 404).Problem(t); pr.Code != "not_found" {
			t.Errorf("%s: %+v", name, pr)
		}
	}
	res = e.Call(t, "DELETE", path, h.Token, nil).Expect(t, 204)
	if res.Calls > 3 {
		t.Errorf("DELETE identifier made %d round trips, budget 3", res.Calls)
	}
	e.Call(t, "DELETE", path, h.Token, nil).Expect(t, 404)
	add(e, t, other, "student-id", value).Expect(t, 201)
	add(e, t, h, "student-id", unique(6)).Expect(t, 201)
}

// R4.10: a type's limit per profile and a non-unique type (the same value in
// many households, once per profile).
func TestIdentifierTypeRules(t *testing.T) {
	e := testenv.Get(t)
	putType(t, e, "library", map[string]any{"pattern": "[A-Z]{2}[0-9]{4}", "maxPerProfile": 2, "unique": false})
	h, _ := e.CardHolder(t, nil)
	add(e, t, h, "library", "AB1234").Expect(t, 201)
	if p := add(e, t, h, "library", "AB1234").Expect(t, 409).Problem(t); p.Code != "identifier_taken" {
		t.Fatalf("same value twice in a profile: %+v", p)
	}
	add(e, t, h, "library", "CD5678").Expect(t, 201)
	if p := add(e, t, h, "library", "EF0000").Expect(t, 409).Problem(t); p.Code != "identifier_limit" {
		t.Fatalf("third of a type of two: %+v", p)
	}
	other, _ := e.CardHolder(t, nil)
	add(e, t, other, "library", "AB1234").Expect(t, 201)
}

// R4.10: the limit and uniqueness hold when requests race: ten adds of ten
// values to a type of two make two; ten profiles adding one unique value make one.
func TestIdentifierRaces(t *testing.T) {
	e := testenv.Get(t)
	putType(t, e, "race", map[string]any{"pattern": "[0-9]{6}", "maxPerProfile": 2})
	h, _ := e.CardHolder(t, nil)
	count := func(f func(i int) *testenv.Resp) (int, map[string]int) {
		var mu sync.Mutex
		ok, codes := 0, map[string]int{}
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				res := f(i)
				mu.Lock()
				defer mu.Unlock()
				if res.Status == 201 {
					ok++
					return
				}
				codes[res.Problem(t).Code]++
			})
		}
		wg.Wait()
		return ok, codes
	}
	base := unique(5) + "0"
	n, codes := count(func(i int) *testenv.Resp { return add(e, t, h, "race", fmt.Sprintf("%s%d", base[:5], i)) })
	if n != 2 || len(list(t, e, h)) != 2 {
		t.Fatalf("ten racing adds to a type of two made %d (refusals %v)", n, codes)
	}
	holders := make([]testenv.Holder, 10)
	for i := range holders {
		holders[i], _ = e.CardHolder(t, nil)
	}
	value := unique(6)
	n, codes = count(func(i int) *testenv.Resp { return add(e, t, holders[i], "race", value) })
	if n != 1 {
		t.Fatalf("ten profiles racing for one value: %d made (refusals %v)", n, codes)
	}
}

// The identifier rules read a card's status themselves (the card package
// imports this one): the status they look for is the card package's.
func TestCardActiveIsTheCardsStatus(t *testing.T) {
	if identifier.CardActive != card.Active {
		t.Fatalf("identifier.CardActive %q, card.Active %q", identifier.CardActive, card.Active)
	}
}
