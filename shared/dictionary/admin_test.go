package dictionary_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

type entry map[string]any

func list(t *testing.T, e *testenv.Env, token, path string) []entry {
	t.Helper()
	var l struct{ Items []entry }
	e.Call(t, "GET", path, token, nil).Expect(t, 200).Decode(t, &l)
	return l.Items
}

func find(es []entry, id string) entry {
	for _, x := range es {
		if x["id"] == id {
			return x
		}
	}
	return nil
}

// R11.3, R14.2: each kind's entries are checked; a broken entry is 422 with
// the field's code, and nothing is written.
func TestEntriesValidated(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	cases := []struct {
		kind  string
		body  map[string]any
		field string
		code  string
	}{
		{"pickup-points", map[string]any{"id": "pp-x", "name": "Punkt"}, "address", "required"},
		{"pickup-points", map[string]any{"id": "Bad Id", "name": "Punkt", "address": "Rynek 2"}, "id", "invalid"},
		{"identifier-types", map[string]any{"id": "it-x", "name": "Typ", "pattern": "([a-z]"}, "pattern", "invalid_pattern"},
		{"identifier-types", map[string]any{"id": "it-y", "name": "Typ", "pattern": `^(\d)\1$`}, "pattern", "invalid_pattern"},
		{"identifier-types", map[string]any{"id": "it-z", "name": "Typ", "pattern": "^" + strings.Repeat("a", 300) + "$"}, "pattern", "too_long"},
		{"identifier-types", map[string]any{"id": "it-w", "name": "Typ", "pattern": "^[0-9]+$", "maxPerProfile": 0}, "maxPerProfile", "out_of_range"},
		{"packages", map[string]any{"id": "pk-x", "name": "Pakiet", "validityMonths": 0}, "validityMonths", "out_of_range"},
		{"packages", map[string]any{"id": "pk-y", "name": "Pakiet", "validityMonths": 61}, "validityMonths", "out_of_range"},
		{"case-types", map[string]any{"id": "ct-x", "name": "Typ", "replyAllowed": true}, "residentCanOpen", "required"},
		{"duplicate-reasons", map[string]any{"id": "dr-x", "name": ""}, "name", "required"},
		{"consent-clauses", map[string]any{"id": "cl-x", "title": "Zgoda"}, "body", "required"},
	}
	for _, c := range cases {
		pr := e.Call(t, "POST", "/operator/dictionaries/"+c.kind, op, c.body).Expect(t, 422).Problem(t)
		if pr.Code != "validation_failed" || len(pr.Errors) == 0 || pr.Errors[0].Field != c.field || pr.Errors[0].Code != c.code {
			t.Errorf("%s %v: %+v, want %s %s", c.kind, c.body, pr, c.field, c.code)
		}
		if id, _ := c.body["id"].(string); id != "" {
			e.Call(t, "GET", "/operator/dictionaries/"+c.kind+"/"+strings.ToLower(strings.ReplaceAll(id, " ", "-")), op, nil).Expect(t, 404)
		}
	}
	pr := e.Call(t, "POST", "/operator/dictionaries/pickup-points", op, map[string]any{"id": "pp-z", "name": "P", "address": "A", "colour": "red"}).Expect(t, 400).Problem(t)
	if pr.Code != "unknown_field" {
		t.Fatalf("unknown field: %+v", pr)
	}
	e.Call(t, "GET", "/operator/dictionaries/planets", op, nil).Expect(t, 404)
}

// R11.3: create, read, change (conditioned on the revision), retire; a
// change reaches the public list (the per-instance cache of rules is a
// minute at most; the public list reads the table).
func TestPickupPointLifecycle(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	body := map[string]any{"id": "biblioteka", "name": "Biblioteka Miejska", "address": "ul. Długa 3", "hours": "pn–pt 9–17"}
	var created entry
	r := e.Call(t, "POST", "/operator/dictionaries/pickup-points", op, body).Expect(t, 201)
	r.Decode(t, &created)
	if created["active"] != true || created["revision"] != float64(1) || created["address"] != "ul. Długa 3" {
		t.Fatalf("created: %v", created)
	}
	if r.Calls > 3 {
		t.Errorf("create: %d round trips", r.Calls)
	}
	pr := e.Call(t, "POST", "/operator/dictionaries/pickup-points", op, body).Expect(t, 409).Problem(t)
	if pr.Code != "dictionary_entry_exists" {
		t.Fatalf("duplicate: %+v", pr)
	}
	if find(list(t, e, "", "/dictionaries/pickup-points"), "biblioteka") == nil {
		t.Fatal("not in the public list")
	}
	body["address"], body["revision"] = "ul. Długa 5", 1
	var changed entry
	r = e.Call(t, "PUT", "/operator/dictionaries/pickup-points/biblioteka", op, body).Expect(t, 200)
	r.Decode(t, &changed)
	if changed["address"] != "ul. Długa 5" || changed["revision"] != float64(2) || r.Calls > 3 {
		t.Fatalf("changed: %v (%d calls)", changed, r.Calls)
	}
	// A stale revision is refused and changes nothing.
	body["address"] = "ul. Krótka 1"
	pr = e.Call(t, "PUT", "/operator/dictionaries/pickup-points/biblioteka", op, body).Expect(t, 409).Problem(t)
	if pr.Code != "conflict" {
		t.Fatalf("stale: %+v", pr)
	}
	pub := find(list(t, e, "", "/dictionaries/pickup-points"), "biblioteka")
	if pub["address"] != "ul. Długa 5" {
		t.Fatalf("public: %v", pub)
	}
	e.Call(t, "DELETE", "/operator/dictionaries/pickup-points/biblioteka", op, nil).Expect(t, 204)
	e.Call(t, "DELETE", "/operator/dictionaries/pickup-points/biblioteka", op, nil).Expect(t, 204)
	if find(list(t, e, "", "/dictionaries/pickup-points"), "biblioteka") != nil {
		t.Fatal("a retired entry is in the public list")
	}
	all := find(list(t, e, op, "/operator/dictionaries/pickup-points"), "biblioteka")
	if all == nil || all["active"] != false {
		t.Fatalf("operators' list: %v", all)
	}
	e.Call(t, "DELETE", "/operator/dictionaries/pickup-points/nowhere", op, nil).Expect(t, 404)
}

// R11.3: an entry retired while an old application names it is still shown
// there, and can no longer be chosen for a new one.
func TestRetiredEntryOnOldRecords(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	e.Call(t, "POST", "/operator/dictionaries/pickup-points", op,
		map[string]any{"id": "dom-kultury", "name": "Dom Kultury", "address": "ul. Parkowa 1"}).Expect(t, 201)
	h := e.NewHolder(t)
	id := e.Apply(t, h, h.ProfileID, "card_issue", e.CardData(t, h, h.ProfileID, map[string]any{"cardKind": "physical", "pickupPointId": "dom-kultury"}))
	e.Accept(t, id)
	e.Call(t, "DELETE", "/operator/dictionaries/pickup-points/dom-kultury", op, nil).Expect(t, 204)

	var a struct {
		Data map[string]any `json:"data"`
	}
	e.Call(t, "GET", h.Path("/applications/"+id), h.Token, nil).Expect(t, 200).Decode(t, &a)
	if a.Data["pickupPointId"] != "dom-kultury" {
		t.Fatalf("old application: %v", a.Data)
	}
	cs := e.Cards(t, h, h.ProfileID)
	var pp string
	for _, c := range cs {
		if c.Kind == "physical" {
			var full []struct {
				Kind          string `json:"kind"`
				PickupPointID string `json:"pickupPointId"`
			}
			var l struct{ Items any }
			_ = l
			r := e.Call(t, "GET", h.Path("/cards"), h.Token, nil).Expect(t, 200)
			var lst struct {
				Items []struct {
					Kind          string `json:"kind"`
					PickupPointID string `json:"pickupPointId"`
				} `json:"items"`
			}
			r.Decode(t, &lst)
			full = lst.Items
			for _, f := range full {
				if f.Kind == "physical" {
					pp = f.PickupPointID
				}
			}
		}
	}
	if pp != "dom-kultury" {
		t.Fatalf("the card's pickup point: %q", pp)
	}
	// Still named by the operators' list (by id, with its name).
	if x := find(list(t, e, op, "/operator/dictionaries/pickup-points"), "dom-kultury"); x == nil || x["name"] != "Dom Kultury" {
		t.Fatalf("retired entry: %v", x)
	}
	// A new application cannot choose it.
	h2 := e.NewHolder(t)
	var d struct {
		ApplicationID string `json:"applicationId"`
	}
	e.Call(t, "POST", h2.Path("/applications"), h2.Token, map[string]any{"type": "card_issue",
		"data": e.CardData(t, h2, h2.ProfileID, map[string]any{"cardKind": "physical", "pickupPointId": "dom-kultury"})}).Expect(t, 201).Decode(t, &d)
	pr := e.Call(t, "POST", h2.Path("/applications/"+d.ApplicationID+"/submit"), h2.Token, nil).Expect(t, 422).Problem(t)
	if pr.Errors[0].Field != "data.pickupPointId" {
		t.Fatalf("retired pickup point chosen: %+v", pr)
	}
}

type clause struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Version  int    `json:"version"`
	Revision int    `json:"revision"`
}

// R7, R11.3: a clause whose text changes gets a new version; residents who
// accepted the old one see it as not accepted (the operators' record of the
// resident; the consents route reads the same rule, consent.Stands), and
// nobody is blocked by it.
func TestClauseVersionBump(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	h := e.NewHolder(t)
	var c clause
	e.Call(t, "GET", "/operator/dictionaries/consent-clauses/residence", op, nil).Expect(t, 200).Decode(t, &c)
	if c.Version != 1 {
		t.Fatalf("seeded clause: %+v", c)
	}
	// A change that keeps the text keeps the version.
	var same clause
	e.Call(t, "PUT", "/operator/dictionaries/consent-clauses/residence", op, map[string]any{"title": c.Title, "body": c.Body,
		"mandatory": true}).Expect(t, 200).Decode(t, &same)
	if same.Version != 1 || same.Revision != 1 {
		t.Fatalf("same text: %+v", same)
	}
	var bumped clause
	e.Call(t, "PUT", "/operator/dictionaries/consent-clauses/residence", op, map[string]any{"title": c.Title,
		"body": c.Body + " Dotyczy także osób rozliczających podatek w innej gminie.", "mandatory": true, "revision": 1}).Expect(t, 200).Decode(t, &bumped)
	if bumped.Version != 2 {
		t.Fatalf("new text: %+v", bumped)
	}
	var pub struct{ Items []clause }
	e.Call(t, "GET", "/consents/clauses", "", nil).Expect(t, 200).Decode(t, &pub)
	for _, x := range pub.Items {
		if x.ID == "residence" && x.Version != 2 {
			t.Fatalf("public clause: %+v", x)
		}
	}
	var d struct {
		Consents []struct {
			ClauseID        string `json:"clauseId"`
			Version         int    `json:"version"`
			Accepted        bool   `json:"accepted"`
			AcceptedVersion *int   `json:"acceptedVersion"`
		} `json:"consents"`
	}
	e.Call(t, "GET", "/operator/residents/"+h.ProfileID, op, nil).Expect(t, 200).Decode(t, &d)
	for _, x := range d.Consents {
		switch x.ClauseID {
		case "residence":
			if x.Accepted || x.AcceptedVersion == nil || *x.AcceptedVersion != 1 || x.Version != 2 {
				t.Fatalf("residence after the bump: %+v", x)
			}
		case "terms":
			if !x.Accepted {
				t.Fatalf("terms: %+v", x)
			}
		}
	}
	// Nobody is blocked: the resident's account still works.
	e.Call(t, "GET", "/account", h.Token, nil).Expect(t, 200)
	// Put it back for the other tests of this binary.
	e.Call(t, "PUT", "/operator/dictionaries/consent-clauses/residence", op, map[string]any{"title": c.Title, "body": c.Body, "mandatory": true}).Expect(t, 200)
}

// R11.3: every kind can be created and listed.
func TestEveryKind(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	bodies := map[string]map[string]any{
		"pickup-points":     {"id": "k-pp", "name": "Punkt", "address": "Rynek 9"},
		"duplicate-reasons": {"id": "k-dr", "name": "Zniszczenie przez psa"},
		"identifier-types":  {"id": "k-it", "name": "Karta biblioteczna", "pattern": "^[0-9]{6}$", "hint": "6 cyfr", "maxPerProfile": 2, "unique": false},
		"case-types":        {"id": "k-ct", "name": "Pytanie", "replyAllowed": true, "residentCanOpen": true},
		"packages":          {"id": "k-pk", "name": "Pakiet zimowy", "validityMonths": 6, "documentsRequired": false, "minAge": 7},
		"consent-clauses":   {"id": "k-cl", "title": "Zgoda marketingowa", "body": "Treść.", "mandatory": false, "gdpr": false},
	}
	for kind, b := range bodies {
		e.Call(t, "POST", "/operator/dictionaries/"+kind, op, b).Expect(t, 201)
		if find(list(t, e, op, "/operator/dictionaries/"+kind), b["id"].(string)) == nil {
			t.Errorf("%s: not listed", kind)
		}
	}
	var it entry
	e.Call(t, "GET", "/operator/dictionaries/identifier-types/k-it", op, nil).Expect(t, 200).Decode(t, &it)
	if it["maxPerProfile"] != float64(2) || it["unique"] != false || it["pattern"] != "^[0-9]{6}$" {
		t.Fatalf("identifier type: %v", it)
	}
}
