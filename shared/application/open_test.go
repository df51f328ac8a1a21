package application_test

import (
	"sync"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// createAnswers sends n creates of a type at once and returns their answers.
func createAnswers(t *testing.T, e *testenv.Env, p person, typ string, data map[string]any, n int) []*testenv.Resp {
	t.Helper()
	out := make([]*testenv.Resp, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": typ, "data": data})
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// expectOneCreated checks that exactly one of the answers created a draft
// and every other is a 409 the contract names: application_not_available
// (field type, application_open) or, for a request that met the winner's
// transaction in flight, conflict.
func expectOneCreated(t *testing.T, answers []*testenv.Resp) (created string, refused, conflicts int) {
	t.Helper()
	for _, r := range answers {
		switch r.Status {
		case 201:
			var a app
			r.Decode(t, &a)
			if created != "" {
				t.Fatalf("two drafts created: %s and %s", created, a.ApplicationID)
			}
			created = a.ApplicationID
		case 409:
			pr := r.Problem(t)
			switch {
			case pr.Code == "application_not_available" && len(pr.Errors) == 1 && pr.Errors[0].Field == "type" && pr.Errors[0].Code == "application_open":
				refused++
			case pr.Code == "conflict":
				conflicts++
			default:
				t.Fatalf("409 %+v", pr)
			}
		default:
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
	}
	if created == "" {
		t.Fatal("no draft created")
	}
	return created, refused, conflicts
}

func openOfType(t *testing.T, e *testenv.Env, p person, typ string) []app {
	t.Helper()
	var l struct{ Items []app }
	e.Call(t, "GET", p.path("/applications?type="+typ+"&limit=100"), p.token, nil).Expect(t, 200).Decode(t, &l)
	var open []app
	for _, a := range l.Items {
		if a.Status == "draft" || a.Status == "submitted" || a.Status == "in_review" {
			open = append(open, a)
		}
	}
	return open
}

// R5.1 (issue 7, item 11): one open application per type is decided by the
// table's condition, not by a read: thirty creates at once make one draft,
// and the others are told the type has an open application.
func TestOneOpenApplicationPerTypeUnderRace(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	answers := createAnswers(t, e, p, "card_issue", map[string]any{"cardKind": "virtual"}, 30)
	created, refused, conflicts := expectOneCreated(t, answers)
	t.Logf("30 parallel creates: 1 created, %d application_open, %d conflict", refused, conflicts)
	if open := openOfType(t, e, p, "card_issue"); len(open) != 1 || open[0].ApplicationID != created {
		t.Fatalf("open card applications %+v, want only %s", open, created)
	}
	if av := available(t, e, p); av["card_issue"] != "application_open" {
		t.Fatalf("availability %v", av)
	}

	// Deleting the draft frees the type, once: again one of many wins.
	e.Call(t, "DELETE", p.path("/applications/"+created), p.token, nil).Expect(t, 204)
	again, _, _ := expectOneCreated(t, createAnswers(t, e, p, "card_issue", map[string]any{}, 10))
	if open := openOfType(t, e, p, "card_issue"); len(open) != 1 || open[0].ApplicationID != again {
		t.Fatalf("open card applications %+v, want only %s", open, again)
	}
}

// R5.1, R11.1: every way out of the open statuses frees the type — a deleted
// draft, a cancelled or rejected application, an accepted one — and no other
// change does (submit, review).
func TestClosingAnApplicationFreesItsType(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	refusedOpen := func(typ string, data map[string]any) {
		t.Helper()
		pr := e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": typ, "data": data}).Expect(t, 409).Problem(t)
		if pr.Code != "application_not_available" || len(pr.Errors) != 1 || pr.Errors[0].Code != "application_open" {
			t.Fatalf("problem %+v", pr)
		}
	}

	// Cancelled while submitted, then while in review.
	id := cardApplication(t, e, p, "virtual")
	refusedOpen("card_issue", map[string]any{})
	e.Call(t, "DELETE", p.path("/applications/"+id), p.token, nil).Expect(t, 204)
	id = cardApplication(t, e, p, "virtual")
	e.Call(t, "POST", "/operator/applications/"+id+"/review", op, nil).Expect(t, 200)
	refusedOpen("card_issue", map[string]any{})
	e.Call(t, "DELETE", p.path("/applications/"+id), p.token, nil).Expect(t, 204)

	// Rejected.
	id = cardApplication(t, e, p, "virtual")
	decide(t, e, op, id, "reject", "Zdjęcie jest nieczytelne").Expect(t, 200)

	// Accepted: the card makes card_issue unavailable for another reason; the
	// data change shows the claim released on acceptance.
	id = cardApplication(t, e, p, "virtual")
	decide(t, e, op, id, "accept", "").Expect(t, 200)
	if av := available(t, e, p); av["card_issue"] != "card_exists" {
		t.Fatalf("availability %v", av)
	}
	doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	change := map[string]any{"lastName": "Nowak-Kowalska", "documentUploadIds": []string{doc}}
	for range 2 {
		a := draft(t, e, p, "data_change", change)
		refusedOpen("data_change", change)
		e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)
		refusedOpen("data_change", change)
		decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 200)
	}
	if open := openOfType(t, e, p, "data_change"); len(open) != 0 {
		t.Fatalf("open data changes %+v", open)
	}
}
