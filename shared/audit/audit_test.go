package audit_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/routes"
)

type item struct {
	AuditID    string            `json:"auditId"`
	Kind       string            `json:"kind"`
	Action     string            `json:"action"`
	ActorID    string            `json:"actorId"`
	ActorEmail string            `json:"actorEmail"`
	ProfileID  *string           `json:"profileId"`
	Target     *string           `json:"target"`
	Detail     map[string]string `json:"detail"`
}

type trail struct {
	Items      []item  `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

func actions(t *testing.T, e *testenv.Env, op, query string) map[string]item {
	t.Helper()
	out := map[string]item{}
	cursor := ""
	for i := 0; i < 50; i++ {
		var tr trail
		e.Call(t, "GET", "/operator/audit?limit=100&"+query+cursor, op, nil).Expect(t, 200).Decode(t, &tr)
		for _, it := range tr.Items {
			out[it.Action] = it
		}
		if tr.NextCursor == nil {
			return out
		}
		cursor = "&cursor=" + *tr.NextCursor
	}
	t.Fatal("the trail did not end")
	return nil
}

// R15.9: every kind of operator action is in the trail, with its actor and
// the resident it concerns, and every operator view of a resident's data;
// the list filters by profile and by actor, and the resident's export can
// list who looked (the export's operatorViews).
func TestEveryActionRecorded(t *testing.T) {
	e := testenv.Get(t)
	opTk := e.Staff(t, "operator@example.com")
	op := opTk.AccessToken
	var me struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", op, nil).Expect(t, 200).Decode(t, &me)

	// Applications: review, return, accept; another rejected.
	h := e.NewHolder(t)
	id := e.Apply(t, h, h.ProfileID, "card_issue", e.CardData(t, h, h.ProfileID, map[string]any{"cardKind": "physical", "pickupPointId": "um-rynek"}))
	e.Call(t, "GET", "/operator/applications/"+id, op, nil).Expect(t, 200)
	e.Call(t, "POST", "/operator/applications/"+id+"/review", op, nil).Expect(t, 200)
	e.Call(t, "POST", "/operator/applications/"+id+"/decision", op, map[string]any{"decision": "return", "comment": "Popraw.", "fields": []string{"lastName"}}).Expect(t, 200)
	e.Call(t, "POST", h.Path("/applications/"+id+"/submit"), h.Token, nil).Expect(t, 200)
	e.Accept(t, id)
	cards := e.Cards(t, h, h.ProfileID)
	cardID := cards[0].CardID
	e.Call(t, "POST", "/operator/cards/"+cardID+"/status", op, map[string]string{"status": "ready_for_pickup"}).Expect(t, 200)
	e.Call(t, "POST", "/operator/cards/"+cardID+"/status", op, map[string]string{"status": "active"}).Expect(t, 200)
	e.Call(t, "POST", h.Path("/cards/"+cardID+"/block"), h.Token, map[string]string{"reason": "lost"}).Expect(t, 200)
	e.Call(t, "POST", "/operator/cards/"+cardID+"/unblock", op, nil).Expect(t, 200)
	h2 := e.NewHolder(t)
	id2 := e.Apply(t, h2, h2.ProfileID, "card_issue", e.CardData(t, h2, h2.ProfileID, nil))
	e.Call(t, "POST", "/operator/applications/"+id2+"/decision", op, map[string]string{"decision": "reject", "comment": "Brak."}).Expect(t, 200)

	// Cases: write to a resident, answer, read, close.
	var c struct {
		CaseID string `json:"caseId"`
	}
	e.Call(t, "POST", "/operator/cases", op, map[string]any{"profileId": h.ProfileID, "typeId": "general", "subject": "Karta", "body": "Dzień dobry."}).Expect(t, 201).Decode(t, &c)
	e.Call(t, "POST", "/operator/cases/"+c.CaseID+"/messages", op, map[string]string{"body": "Jeszcze jedno."}).Expect(t, 201)
	e.Call(t, "GET", "/operator/cases/"+c.CaseID, op, nil).Expect(t, 200)
	e.Call(t, "POST", "/operator/cases/"+c.CaseID+"/close", op, nil).Expect(t, 200)

	// Dictionaries, staff, the resident's record.
	e.Call(t, "POST", "/operator/dictionaries/duplicate-reasons", op, map[string]any{"id": "audit-r", "name": "Powód"}).Expect(t, 201)
	e.Call(t, "PUT", "/operator/dictionaries/duplicate-reasons/audit-r", op, map[string]any{"name": "Powód 2"}).Expect(t, 200)
	e.Call(t, "DELETE", "/operator/dictionaries/duplicate-reasons/audit-r", op, nil).Expect(t, 204)
	var m struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "POST", "/operator/staff", op, map[string]any{"email": testenv.Email("insp"), "group": "inspectors", "organizationName": "Straż Miejska"}).Expect(t, 201).Decode(t, &m)
	e.Call(t, "DELETE", "/operator/staff/"+m.AccountID, op, nil).Expect(t, 204)
	e.Call(t, "GET", "/operator/residents/"+h.ProfileID, op, nil).Expect(t, 200)

	byActor := actions(t, e, op, "actor="+me.AccountID)
	for _, a := range []string{"application.view", "application.review", "application.return", "application.accept", "application.reject",
		"card.status", "card.unblock", "case.create", "case.message", "case.view", "case.close",
		"dictionary.create", "dictionary.update", "dictionary.retire", "staff.invite", "staff.disable", "resident.view"} {
		it, ok := byActor[a]
		if !ok {
			t.Errorf("%s is not in the trail", a)
			continue
		}
		if it.ActorID != me.AccountID || it.ActorEmail != "operator@example.com" {
			t.Errorf("%s: actor %+v", a, it)
		}
		wantKind := "action"
		if strings.HasSuffix(a, ".view") {
			wantKind = "view"
		}
		if it.Kind != wantKind {
			t.Errorf("%s: kind %s", a, it.Kind)
		}
	}
	byProfile := actions(t, e, op, "profileId="+h.ProfileID)
	for _, a := range []string{"application.return", "card.unblock", "case.close", "resident.view"} {
		if it, ok := byProfile[a]; !ok || it.ProfileID == nil || *it.ProfileID != h.ProfileID {
			t.Errorf("%s not under the profile: %+v", a, it)
		}
	}
	if _, ok := byProfile["application.reject"]; ok {
		t.Error("another resident's entry under this profile")
	}
	all := actions(t, e, op, "")
	if _, ok := all["staff.disable"]; !ok {
		t.Errorf("the city-wide trail lacks staff.disable: %v", all)
	}
	// The resident's export lists who looked at the data (R15.4).
	var doc struct {
		OperatorViews []audit.View `json:"operatorViews"`
	}
	e.Call(t, "GET", "/account/export", h.Token, nil).Expect(t, 200).Decode(t, &doc)
	views := doc.OperatorViews
	seen := map[string]bool{}
	for _, v := range views {
		if v.ActorEmail != "operator@example.com" {
			t.Fatalf("view by %+v", v)
		}
		seen[v.Action] = true
	}
	if !seen["application.view"] || !seen["case.view"] || !seen["resident.view"] || seen["application.accept"] {
		t.Fatalf("views: %+v", views)
	}
	// Bad filters: 422, nothing read.
	for _, q := range []string{"profileId=x", "actor=a%20b", "from=yesterday", "from=2026-12-03&to=2026-12-01"} {
		pr := e.Call(t, "GET", "/operator/audit?"+q, op, nil).Expect(t, 422).Problem(t)
		if pr.Code != "validation_failed" {
			t.Errorf("%s: %+v", q, pr)
		}
	}
}

// R15.9: an operator's view is recorded best effort: a failed record never
// fails the read.
func TestViewRecordBestEffort(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	h := e.NewHolder(t)
	e.FailNext("PutItem", 1)
	e.Call(t, "GET", "/operator/residents/"+h.ProfileID, op, nil).Expect(t, 200)
}

// Every operator route refuses a resident (403 forbidden) before reading
// anything, whatever its path names (R14.3).
func TestResidentRefusedOnEveryOperatorRoute(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	param := regexp.MustCompile(`\{[^}]+\}`)
	n := 0
	for _, r := range routes.All {
		if r.Access != routes.Operators {
			continue
		}
		n++
		path := param.ReplaceAllStringFunc(r.Path, func(p string) string {
			switch p {
			case "{kind}":
				return "pickup-points"
			case "{id}":
				return "um-rynek"
			case "{profileId}":
				return h.ProfileID
			}
			return h.ProfileID + ".01ARZ3NDEKTSV4RRFFQ69G5FAV"
		})
		t.Run(r.Key(), func(t *testing.T) {
			resp := e.Call(t, r.Method, path, h.Token, map[string]any{})
			if resp.Status != 403 {
				t.Fatalf("%s %s: %d %s", r.Method, path, resp.Status, resp.Body)
			}
			if pr := resp.Problem(t); pr.Code != "forbidden" {
				t.Fatalf("%s: %+v", r.Key(), pr)
			}
			if resp.Calls != 0 {
				t.Fatalf("%s: %d round trips before the refusal", r.Key(), resp.Calls)
			}
		})
	}
	if n < 23 {
		t.Fatalf("only %d operator routes", n)
	}
}
