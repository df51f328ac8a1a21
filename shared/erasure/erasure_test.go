package erasure_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/erasure"
)

// Every key prefix of store/keys.go is in the registry: erased (and how it is
// found) or kept without a person. A new item type cannot be forgotten.
func TestRegistryCoversEveryKeyPrefix(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../store/keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Prefixes ("APP#", "@RESIDENT#"), and whole partitions: constants named …PK.
	shape := regexp.MustCompile(`^@?[A-Z][A-Z0-9]*#$`)
	var prefixes []string
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, name := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && strings.HasSuffix(name.Name, "PK") {
					s, _ := strconv.Unquote(lit.Value)
					prefixes = append(prefixes, s)
				}
			}
		}
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, _ := strconv.Unquote(lit.Value); shape.MatchString(s) {
				prefixes = append(prefixes, s)
			}
		}
		return true
	})
	if len(prefixes) < 20 {
		t.Fatalf("found only %v in keys.go", prefixes)
	}
	for _, p := range prefixes {
		r, ok := erasure.RuleOf(p)
		if !ok {
			t.Errorf("key prefix %q of keys.go is neither erased nor declared kept in the erasure registry", p)
			continue
		}
		if r.Found == "" || r.Item == "" {
			t.Errorf("%q: the rule says neither what it is nor how it is found", p)
		}
		if (r.Fate == erasure.Erased || r.Fate == erasure.KeptAnonymous) && r.Step == "" {
			t.Errorf("%q: erased at no step", p)
		}
	}
}

// present fails unless each value is somewhere in the table: the erasure
// test below would otherwise prove nothing about it.
func present(t *testing.T, e *testenv.Env, values []string) {
	t.Helper()
	b, _ := json.Marshal(scan(t, e))
	all := strings.ToLower(string(b))
	for _, v := range values {
		if !strings.Contains(all, strings.ToLower(v)) {
			t.Fatalf("%q is not in the table before the erasure", v)
		}
	}
}

// R6.2, R7.2: a head's deletion erases the household. Erasure verified: a
// scan of the whole table, a listing of the bucket and of the user pool find
// none of its e-mail, names, phone, ids, card numbers or identifier values;
// the benefit record stays without a link to a person; the same e-mail can
// register again.
func TestHeadDeletionErasesTheHousehold(t *testing.T) {
	e := testenv.Get(t)
	f := newFamily(t, e, true)
	m := addMember(t, e, f)
	secrets := append(f.secrets(), m.secrets()...)
	present(t, e, secrets)
	benefitsBefore, auditBefore := count(t, e, "BENEFIT#"), count(t, e, "AUDIT#")

	// A wrong password changes nothing (422, as a password change's).
	p := e.Call(t, "DELETE", "/account", f.Token, map[string]string{"password": "Niebieski-Autobus-1999"}).Expect(t, 422).Problem(t)
	if p.Code != "current_password_invalid" || len(p.Errors) != 1 || p.Errors[0].Field != "password" || p.Errors[0].Code != "invalid" {
		t.Fatalf("wrong password: %+v", p)
	}
	if p := e.Call(t, "DELETE", "/account", f.Token, map[string]string{}).Expect(t, 422).Problem(t); p.Code != "validation_failed" {
		t.Fatalf("no password: %+v", p)
	}
	e.Call(t, "GET", "/account", f.Token, nil).Expect(t, 200)

	res := e.Call(t, "DELETE", "/account", f.Token, map[string]string{"password": testenv.ResidentPassword}).Expect(t, 204)
	if res.Calls > 3 {
		t.Errorf("DELETE /account made %d round trips, budget 3", res.Calls)
	}
	// Nobody logs in from the first step on; the token is refused too.
	if p := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": f.Email, "password": testenv.ResidentPassword}).Expect(t, 401).Problem(t); p.Code != "invalid_credentials" {
		t.Fatalf("login after deletion: %+v", p)
	}
	e.Call(t, "GET", "/account", f.Token, nil).Expect(t, 401)
	e.Call(t, "GET", "/account", m.Token, nil).Expect(t, 401)
	if p := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": m.Email, "password": testenv.ResidentPassword}).Expect(t, 401).Problem(t); p.Code != "invalid_credentials" {
		t.Fatalf("a member's login after the head's deletion: %+v", p)
	}

	waitErased(t, e, f.Email)
	assertGone(t, e, secrets)
	for _, it := range scan(t, e) {
		if strings.HasPrefix(fmt.Sprint(it["PK"]), "ERASURE#") {
			t.Logf("erasure job: %v", it["counts"])
		}
	}
	if n := count(t, e, "BENEFIT#"); n != benefitsBefore {
		t.Errorf("benefit records: %d before, %d after (they stay, anonymized)", benefitsBefore, n)
	}
	// The operators' trail keeps who did what and when (R15.9), not whom.
	if n := count(t, e, "AUDIT#"); n != auditBefore {
		t.Errorf("audit entries: %d before, %d after (they stay, anonymized)", auditBefore, n)
	}

	// The address registers anew.
	e.Call(t, "POST", "/auth/register", "", testenv.Registration(f.Email)).Expect(t, 202)
	var activation []testenv.Mail
	until(t, "a new activation mail", func() bool {
		activation = nil
		for _, m := range e.Mails(t, f.Email) {
			if strings.Contains(m.Body.Text, "/activate?token=") {
				activation = append(activation, m)
			}
		}
		return len(activation) == 2
	})
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": activation[1].LinkToken(t, "/activate")}).Expect(t, 204)
	e.Login(t, f.Email, testenv.ResidentPassword)
}

// count counts the table's items whose partition key starts with prefix.
func count(t *testing.T, e *testenv.Env, prefix string) int {
	n := 0
	for _, it := range scan(t, e) {
		if strings.HasPrefix(fmt.Sprint(it["PK"]), prefix) {
			n++
		}
	}
	return n
}

// An erasure interrupted after a step (the task fails there once) is
// resumed by the task's retry from the step it reached, to the same result.
func TestInterruptedErasureResumes(t *testing.T) {
	e := testenv.Get(t)
	f := newFamily(t, e, true)
	var failed atomic.Int32
	var steps []string
	var mu atomic.Pointer[[]string]
	mu.Store(&steps)
	defer erasure.SetAfterStep(func(s erasure.Step) error {
		l := append(*mu.Load(), string(s))
		mu.Store(&l)
		if s == erasure.StepLinks && failed.Add(1) == 1 {
			return errors.New("injected outage after the links step")
		}
		return nil
	})()
	e.Call(t, "DELETE", "/account", f.Token, map[string]string{"password": testenv.ResidentPassword}).Expect(t, 204)
	waitErased(t, e, f.Email)
	assertGone(t, e, f.secrets())
	got := strings.Join(*mu.Load(), ",")
	if want := "links,links,files,users,partitions,accounts"; got != want {
		t.Fatalf("steps run %s, want %s (the interrupted step again, then on)", got, want)
	}
}

// R15.4: the export is one JSON attachment with everything held about the
// household, by kind, without keys and secrets.
func TestExport(t *testing.T) {
	e := testenv.Get(t)
	f := newFamily(t, e, true)
	res := e.Call(t, "GET", "/account/export", f.Token, nil).Expect(t, 200)
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	var doc struct {
		AccountID     string                      `json:"accountId"`
		Profiles      []string                    `json:"profiles"`
		Items         map[string][]map[string]any `json:"items"`
		OperatorViews []map[string]any            `json:"operatorViews"`
	}
	res.Decode(t, &doc)
	if doc.AccountID != f.AccountID || len(doc.Profiles) != 2 {
		t.Fatalf("export head: %+v", doc)
	}
	// R15.9: the operator's view of the record, by whom.
	if len(doc.OperatorViews) != 1 || doc.OperatorViews[0]["action"] != "resident.view" || doc.OperatorViews[0]["actorEmail"] != "operator@example.com" {
		t.Fatalf("operator views: %+v", doc.OperatorViews)
	}
	want := map[string]int{"account": 1, "profile": 2, "consent": 3, "card": 2, "entitlement": 3, "identifier": 1,
		"application": 2, "upload": 5, "case": 1, "case_entry": 1, "case_message": 1, "card_check": 3, "benefit": 1,
		"session": 1, "idempotency_record": 1, "card_revocation": 1, "audit_entry": 1, "resident_index_entry": 4}
	for kind, n := range want {
		if len(doc.Items[kind]) < n {
			t.Errorf("export has %d %s, want at least %d", len(doc.Items[kind]), kind, n)
		}
	}
	if len(doc.Items["mail"]) == 0 {
		t.Error("export has no mail")
	}
	b, _ := json.Marshal(doc)
	text := string(b)
	for _, v := range f.secrets() {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(v)) {
			t.Errorf("the export lacks %q", v)
		}
	}
	for _, secret := range []string{"activationHash", "\"PK\"", "GSI1PK", "bodyHash", "passwordLease"} {
		if strings.Contains(text, secret) {
			t.Errorf("the export shows %s", secret)
		}
	}
	if res.Calls > 2 {
		t.Logf("GET /account/export made %d DynamoDB calls for a household of 2 with 2 cards (reported in performance.md)", res.Calls)
	}
}

// R6.2: a member's own deletion erases that member only; the head and the
// rest of the household stay.
func TestMemberDeletesItself(t *testing.T) {
	e := testenv.Get(t)
	f := newFamily(t, e, false)
	m := addMember(t, e, f)
	present(t, e, m.secrets())
	p := e.Call(t, "DELETE", "/account", m.Token, map[string]string{"password": "Niebieski-Autobus-1999"}).Expect(t, 422).Problem(t)
	if p.Code != "current_password_invalid" {
		t.Fatalf("wrong password: %+v", p)
	}
	res := e.Call(t, "DELETE", "/account", m.Token, map[string]string{"password": testenv.ResidentPassword}).Expect(t, 204)
	if res.Calls > 3 {
		t.Errorf("a member's DELETE /account made %d round trips, budget 3", res.Calls)
	}
	waitErased(t, e, m.Email)
	assertGone(t, e, m.secrets())
	var l struct {
		Items []struct {
			ProfileID string `json:"profileId"`
		} `json:"items"`
	}
	e.Call(t, "GET", "/profiles", f.Token, nil).Expect(t, 200).Decode(t, &l)
	if len(l.Items) != 2 || l.Items[0].ProfileID != f.ProfileID || l.Items[1].ProfileID != f.ChildID {
		t.Fatalf("the household after a member's deletion: %+v", l.Items)
	}
	present(t, e, []string{f.Email, f.First, f.ChildFirst})
}

// R7.2: the head's GDPR withdrawal, confirmed, erases the household as its
// deletion does, the invited member with it.
func TestGDPRWithdrawalErasesTheHousehold(t *testing.T) {
	e := testenv.Get(t)
	f := newFamily(t, e, true)
	m := addMember(t, e, f)
	secrets := append(f.secrets(), m.secrets()...)
	present(t, e, secrets)
	if p := e.Call(t, "PUT", "/account/consents/gdpr", f.Token, map[string]any{"accepted": false}).Expect(t, 409).Problem(t); p.Code != "confirmation_required" {
		t.Fatalf("unconfirmed withdrawal: %+v", p)
	}
	e.Call(t, "PUT", "/account/consents/gdpr", f.Token, map[string]any{"accepted": false, "confirm": "WITHDRAW_GDPR"}).Expect(t, 204)
	waitErased(t, e, f.Email)
	waitErased(t, e, m.Email)
	assertGone(t, e, secrets)
}

// The household's journey end to end, through the API only (R10, R7, R6.2,
// R15.4): a child and an adult added, the invitation accepted, the member
// kept to its own profile, the head switching to the child and applying, a
// consent withdrawn and accepted again, the export, the erasure, and the same
// e-mail registering anew.
func TestHouseholdJourney(t *testing.T) {
	e := testenv.Get(t)
	f := newFamily(t, e, false)
	m := addMember(t, e, f)
	h := testenv.Holder{Email: f.Email, Token: f.Token, ProfileID: f.ProfileID}

	// The member reaches its own profile only (R10.4).
	problem := func(r *testenv.Resp, status int, code string) {
		t.Helper()
		if p := r.Expect(t, status).Problem(t); p.Code != code {
			t.Fatalf("%d %s, want %s", status, p.Code, code)
		}
	}
	problem(e.Call(t, "GET", "/profiles/"+f.ProfileID, m.Token, nil), 404, "not_found")
	problem(e.Call(t, "GET", "/profiles/"+f.ChildID+"/cards", m.Token, nil), 404, "not_found")
	problem(e.Call(t, "POST", "/profiles/me/applications", m.Token, map[string]any{"type": "card_issue"}), 403, "household_head_only")
	e.Call(t, "GET", "/profiles/me/cards", m.Token, nil).Expect(t, 200)

	// The head switches to the child and applies for its card (R10.3).
	e.Accept(t, e.Apply(t, h, f.ChildID, "card_issue", e.CardData(t, h, f.ChildID,
		map[string]any{"firstName": f.ChildFirst, "lastName": f.Last, "birthDate": "2015-06-01"})))
	if cs := e.Cards(t, h, f.ChildID); len(cs) != 1 || cs[0].Status != "active" {
		t.Fatalf("the child's cards: %+v", cs)
	}

	// A mandatory consent withdrawn blocks the household; accepted again, it
	// lifts the block (R7.3).
	e.Call(t, "PUT", "/account/consents/terms", f.Token, map[string]any{"accepted": false}).Expect(t, 200)
	problem(e.Call(t, "GET", "/profiles/me/cards", m.Token, nil), 403, "account_blocked")
	problem(e.Call(t, "GET", "/profiles/"+f.ChildID+"/cards", f.Token, nil), 403, "account_blocked")
	e.Call(t, "PUT", "/account/consents/terms", f.Token, map[string]any{"accepted": true}).Expect(t, 200)
	e.Call(t, "GET", "/profiles/me/cards", m.Token, nil).Expect(t, 200)
	if cs := e.Cards(t, h, f.ChildID); cs[0].Status != "active" {
		t.Fatalf("the child's card after the block: %+v", cs[0])
	}

	// The export holds the three profiles (R15.4).
	var doc struct {
		Profiles []string `json:"profiles"`
	}
	e.Call(t, "GET", "/account/export", f.Token, nil).Expect(t, 200).Decode(t, &doc)
	if len(doc.Profiles) != 3 {
		t.Fatalf("exported profiles %v", doc.Profiles)
	}

	// The erasure, and the same address registering anew (R6.2).
	e.Call(t, "DELETE", "/account", f.Token, map[string]string{"password": testenv.ResidentPassword}).Expect(t, 204)
	waitErased(t, e, f.Email)
	assertGone(t, e, append(f.secrets(), m.secrets()...))
	e.Call(t, "POST", "/auth/register", "", testenv.Registration(m.Email)).Expect(t, 202)
	var activation *testenv.Mail
	until(t, "the activation mail", func() bool {
		for _, ml := range e.Mails(t, m.Email) {
			if strings.Contains(ml.Body.Text, "/activate?token=") {
				activation = &ml
			}
		}
		return activation != nil
	})
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": activation.LinkToken(t, "/activate")}).Expect(t, 204)
	e.Login(t, m.Email, testenv.ResidentPassword)
}
