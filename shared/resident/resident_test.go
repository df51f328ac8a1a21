package resident_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

type match struct {
	ProfileID string  `json:"profileId"`
	FirstName string  `json:"firstName"`
	LastName  string  `json:"lastName"`
	Email     *string `json:"email"`
	MatchedBy string  `json:"matchedBy"`
}

type page struct {
	Items      []match `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// named registers, activates and logs in a resident with the given names.
func named(t *testing.T, e *testenv.Env, first, last string) testenv.Holder {
	t.Helper()
	email := testenv.Email("r")
	body := testenv.Registration(email)
	body["firstName"], body["lastName"] = first, last
	e.Call(t, "POST", "/auth/register", "", body).Expect(t, 202)
	tok := e.WaitMail(t, email, 1).LinkToken(t, "/activate")
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": tok}).Expect(t, 204)
	tk := e.Login(t, email, testenv.ResidentPassword)
	var me struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "GET", "/profiles/me", tk.AccessToken, nil).Expect(t, 200).Decode(t, &me)
	return testenv.Holder{Email: email, Token: tk.AccessToken, ProfileID: me.ProfileID}
}

func search(t *testing.T, e *testenv.Env, op, q string) (page, *testenv.Resp) {
	t.Helper()
	var p page
	r := e.Call(t, "GET", "/operator/residents?q="+strings.ReplaceAll(q, " ", "%20"), op, nil).Expect(t, 200)
	r.Decode(t, &p)
	return p, r
}

func has(p page, profileID string) bool {
	for _, m := range p.Items {
		if m.ProfileID == profileID {
			return true
		}
	}
	return false
}

// R11.2: a name typed without diacritics, in any case and either order,
// finds the resident by its prefix; e-mail and card number find exactly.
// Every search is one Query (two round trips with the gate), never a scan.
func TestSearch(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	unique := strings.ToUpper(testenv.Email("x")[:8]) // a surname no other test has
	last := "Żółkiewska" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, unique)
	h := named(t, e, "Łucja", last)
	folded := "zolkiewska" + strings.ToLower(last[len("Żółkiewska"):])
	for _, q := range []string{"zolkiewska", "ZÓŁKIEW", folded + " luc", "lucja " + folded, "Łucja Żół"} {
		p, r := search(t, e, op, q)
		if !has(p, h.ProfileID) {
			t.Errorf("q=%q did not find the resident: %+v", q, p.Items)
		}
		if r.Calls > 2 {
			t.Errorf("q=%q: %d round trips, want at most 2", q, r.Calls)
		}
	}
	if p, _ := search(t, e, op, "zolkiewskaq"); has(p, h.ProfileID) {
		t.Error("a longer prefix matched")
	}
	p, r := search(t, e, op, strings.ToUpper(h.Email))
	if len(p.Items) != 1 || p.Items[0].ProfileID != h.ProfileID || p.Items[0].MatchedBy != "email" || r.Calls != 2 {
		t.Fatalf("by e-mail: %+v (%d calls)", p.Items, r.Calls)
	}
	if p, _ := search(t, e, op, "nobody-"+h.Email); len(p.Items) != 0 {
		t.Fatalf("another e-mail matched: %+v", p.Items)
	}
	// Paging: a limit of 1 over the two entries of one person.
	var first page
	e.Call(t, "GET", "/operator/residents?q="+folded+"&limit=1", op, nil).Expect(t, 200).Decode(t, &first)
	if len(first.Items) != 1 || first.NextCursor == nil {
		t.Fatalf("first page: %+v", first)
	}
	pr := e.Call(t, "GET", "/operator/residents?q=", op, nil).Expect(t, 422).Problem(t)
	if pr.Code != "validation_failed" || pr.Errors[0].Field != "q" {
		t.Fatalf("empty q: %+v", pr)
	}
}

// R11.2: a card number finds its holder.
func TestSearchByCardNumber(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	h, c := e.CardHolder(t, nil)
	p, r := search(t, e, op, c.Number)
	if len(p.Items) != 1 || p.Items[0].ProfileID != h.ProfileID || p.Items[0].MatchedBy != "cardNumber" {
		t.Fatalf("by card number: %+v", p.Items)
	}
	if r.Calls != 2 {
		t.Errorf("by card number: %d round trips, want 2 (the gate with the number's claim, the entry)", r.Calls)
	}
	// A number nobody holds: the claim read with the gate is missing.
	if p, r := search(t, e, op, "9999 9999 9991"); len(p.Items) != 0 || r.Calls != 1 {
		t.Errorf("unknown number: %+v, %d round trips", p.Items, r.Calls)
	}
}

type detail struct {
	Profile struct {
		ProfileID string `json:"profileId"`
		LastName  string `json:"lastName"`
	} `json:"profile"`
	Household []struct {
		ProfileID string `json:"profileId"`
	} `json:"household"`
	Account *struct {
		Email  string `json:"email"`
		Status string `json:"status"`
	} `json:"account"`
	Cards []struct {
		CardID  string `json:"cardId"`
		Number  string `json:"number"`
		History []struct {
			Status string `json:"status"`
		} `json:"history"`
	} `json:"cards"`
	Applications []struct {
		ApplicationID string `json:"applicationId"`
		Status        string `json:"status"`
		History       []any  `json:"history"`
	} `json:"applications"`
	Packages []struct {
		PackageID string `json:"packageId"`
	} `json:"packages"`
	Identifiers []any `json:"identifiers"`
	Consents    []struct {
		ClauseID        string `json:"clauseId"`
		Version         int    `json:"version"`
		Accepted        bool   `json:"accepted"`
		AcceptedVersion *int   `json:"acceptedVersion"`
	} `json:"consents"`
}

// R11.2, R15.9: a resident's record — profile, household, account, cards with
// history, applications, packages, identifiers, consents — and the view is
// in the audit trail under the resident's profile.
func TestDetail(t *testing.T) {
	e := testenv.Get(t)
	opTk := e.Staff(t, "operator@example.com")
	op := opTk.AccessToken
	h, c := e.CardHolder(t, map[string]any{"packageIds": []string{"sport"}})
	var d detail
	r := e.Call(t, "GET", "/operator/residents/"+h.ProfileID, op, nil).Expect(t, 200)
	r.Decode(t, &d)
	if d.Profile.ProfileID != h.ProfileID || len(d.Household) != 1 || d.Account == nil || d.Account.Email != h.Email ||
		d.Account.Status != "active" {
		t.Fatalf("profile or account: %+v", d)
	}
	if len(d.Cards) != 1 || d.Cards[0].Number != c.Number || len(d.Cards[0].History) == 0 {
		t.Fatalf("cards: %+v", d.Cards)
	}
	if len(d.Applications) != 1 || d.Applications[0].Status != "completed" || len(d.Applications[0].History) < 3 {
		t.Fatalf("applications: %+v", d.Applications)
	}
	if len(d.Packages) != 1 || d.Packages[0].PackageID != "sport" || d.Identifiers == nil {
		t.Fatalf("packages: %+v", d.Packages)
	}
	accepted := map[string]bool{}
	for _, cv := range d.Consents {
		accepted[cv.ClauseID] = cv.Accepted
	}
	if !accepted["terms"] || !accepted["gdpr"] || !accepted["residence"] || accepted["newsletter"] {
		t.Fatalf("consents: %+v", d.Consents)
	}
	// Above the write budget (docs/performance.md says why): the gate, the
	// profile's partition (its index entry names the others), then at once the
	// household's profiles and the account with its consents (the clauses are
	// the instance's, read once a minute), and the audit entry of the view.
	if r.Calls > 5 {
		t.Errorf("GET /operator/residents/{profileId}: %d round trips, want at most 5", r.Calls)
	}

	var trail struct {
		Items []struct {
			Kind, Action, ActorEmail string
			ProfileID                *string
		}
	}
	e.Call(t, "GET", "/operator/audit?profileId="+h.ProfileID, op, nil).Expect(t, 200).Decode(t, &trail)
	viewed := false
	for _, it := range trail.Items {
		if it.Kind == "view" && it.Action == "resident.view" && it.ActorEmail == "operator@example.com" {
			viewed = true
		}
	}
	if !viewed {
		t.Fatalf("the view is not in the trail: %+v", trail.Items)
	}

	// R14.3: an unknown or malformed profile is 404.
	e.Call(t, "GET", "/operator/residents/01ARZ3NDEKTSV4RRFFQ69G5FAV", op, nil).Expect(t, 404)
	e.Call(t, "GET", "/operator/residents/me", op, nil).Expect(t, 404)
}

// R11.2: an accepted data change renames the resident in the index: found
// by the new name, no longer by the old.
func TestDataChangeRenamesInIndex(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	h := named(t, e, "Ignacy", "Brzęczyszczykiewicz")
	doc := e.Upload(t, h.Token, h.ProfileID, "document", "application/pdf", testenv.PDFBytes)
	e.Accept(t, e.Apply(t, h, h.ProfileID, "card_issue", e.CardData(t, h, h.ProfileID, map[string]any{"firstName": "Ignacy", "lastName": "Brzęczyszczykiewicz"})))
	id := e.Apply(t, h, h.ProfileID, "data_change", map[string]any{"lastName": "Chrząszczewski", "documentUploadIds": []string{doc}})
	e.Accept(t, id)
	if p, _ := search(t, e, op, "chrzaszczewski ignacy"); !has(p, h.ProfileID) {
		t.Fatalf("new name not found: %+v", p.Items)
	}
	if p, _ := search(t, e, op, "brzeczyszczykiewicz ignacy"); has(p, h.ProfileID) {
		t.Fatalf("old name still found: %+v", p.Items)
	}
}

// R11.2, R10: a family member is indexed with its profile (POST /family) and
// renamed with it (PUT /family/{profileId}); its record names the household.
func TestFamilyMemberIndexed(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	h := e.NewHolder(t)
	var m struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "POST", "/family", h.Token, map[string]any{"firstName": "Jędrzej", "lastName": "Śliwiński",
		"birthDate": "2015-06-01", "relationship": "child"}).Expect(t, 201).Decode(t, &m)
	if p, _ := search(t, e, op, "sliwinski jedrz"); !has(p, m.ProfileID) {
		t.Fatalf("member not found: %+v", p.Items)
	}
	e.Call(t, "PUT", "/family/"+m.ProfileID, h.Token, map[string]any{"lastName": "Ślęzak"}).Expect(t, 200)
	if p, _ := search(t, e, op, "jedrzej slezak"); !has(p, m.ProfileID) {
		t.Fatalf("renamed member not found: %+v", p.Items)
	}
	if p, _ := search(t, e, op, "sliwinski jedrz"); has(p, m.ProfileID) {
		t.Fatalf("old name still found: %+v", p.Items)
	}
	var d struct {
		Household []struct {
			ProfileID string `json:"profileId"`
		} `json:"household"`
		Account any `json:"account"`
	}
	e.Call(t, "GET", "/operator/residents/"+m.ProfileID, op, nil).Expect(t, 200).Decode(t, &d)
	if len(d.Household) != 2 || d.Account != nil {
		t.Fatalf("member's record: %+v", d)
	}
}
