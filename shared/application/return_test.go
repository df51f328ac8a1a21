package application_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/citytime"
)

type returned struct {
	ApplicationID      string  `json:"applicationId"`
	Status             string  `json:"status"`
	ExpectedDecisionBy *string `json:"expectedDecisionBy"`
	Correction         *struct {
		Comment string   `json:"comment"`
		Fields  []string `json:"fields"`
	} `json:"correction"`
	Data    map[string]any `json:"data"`
	History []struct {
		Status  string   `json:"status"`
		Actor   string   `json:"actor"`
		Comment string   `json:"comment"`
		Fields  []string `json:"fields"`
	} `json:"history"`
}

// R15.7, R15.8: an operator returns an application with a comment and the
// fields to fix; the resident is mailed, edits it in place and submits it
// again; the history keeps every step, and a submitted application carries
// its expected decision day (the service level from its submission).
func TestReturnForCorrection(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	p := newPerson(t, e)
	photo := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
	doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	a := cardDraft(t, e, p, photo, doc)
	var sub returned
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200).Decode(t, &sub)
	want := citytime.Day(time.Now()).AddDate(0, 0, e.Deps.Config.DecisionDays).Format(time.DateOnly)
	if sub.ExpectedDecisionBy == nil || *sub.ExpectedDecisionBy != want {
		t.Fatalf("expectedDecisionBy %v, want %s", sub.ExpectedDecisionBy, want)
	}

	// Bad returns change nothing.
	for _, body := range []map[string]any{
		{"decision": "return", "comment": "Popraw nazwisko."},
		{"decision": "return", "comment": "", "fields": []string{"lastName"}},
		{"decision": "return", "comment": "x", "fields": []string{"last name"}},
		{"decision": "reject", "comment": "x", "fields": []string{"lastName"}},
	} {
		pr := e.Call(t, "POST", "/operator/applications/"+a.ApplicationID+"/decision", op, body).Expect(t, 422).Problem(t)
		if pr.Code != "validation_failed" {
			t.Fatalf("%v: %+v", body, pr)
		}
	}

	var ret returned
	r := e.Call(t, "POST", "/operator/applications/"+a.ApplicationID+"/decision", op, map[string]any{
		"decision": "return", "comment": "Nazwisko nie zgadza się z dokumentem.", "fields": []string{"lastName", "documentUploadIds"}}).Expect(t, 200)
	r.Decode(t, &ret)
	if ret.Status != "returned" || ret.Correction == nil || len(ret.Correction.Fields) != 2 || ret.ExpectedDecisionBy != nil {
		t.Fatalf("returned: %+v", ret)
	}
	if r.Calls > 3 {
		t.Errorf("return: %d round trips", r.Calls)
	}
	m := e.WaitMail(t, p.email, 3) // activation, submitted, returned
	if !strings.Contains(m.Subject, "wymaga poprawienia") || !strings.Contains(m.Body.Text, "Nazwisko nie zgadza się") ||
		!strings.Contains(m.Body.Text, "lastName") {
		t.Fatalf("mail: %s / %s", m.Subject, m.Body.Text)
	}
	// Out of the queue while the resident holds it; the operator cannot decide it.
	pr := decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 409).Problem(t)
	if pr.Code != "application_state_conflict" {
		t.Fatalf("decision on a returned application: %+v", pr)
	}
	// The resident sees it in the list by its status and edits it in place.
	var l struct{ Items []returned }
	e.Call(t, "GET", p.path("/applications?status=returned"), p.token, nil).Expect(t, 200).Decode(t, &l)
	if len(l.Items) != 1 || l.Items[0].ApplicationID != a.ApplicationID {
		t.Fatalf("list of returned: %+v", l.Items)
	}
	data := ret.Data
	data["lastName"] = "Nowak-Kowalska"
	e.Call(t, "PUT", p.path("/applications/"+a.ApplicationID), p.token, map[string]any{"data": data}).Expect(t, 200)
	var again returned
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200).Decode(t, &again)
	if again.Status != "submitted" || again.Correction != nil || again.ExpectedDecisionBy == nil {
		t.Fatalf("resubmitted: %+v", again)
	}
	e.WaitMail(t, p.email, 4) // the resubmission's own mail
	var done returned
	decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 200).Decode(t, &done)
	var steps []string
	for _, h := range done.History {
		steps = append(steps, h.Status)
	}
	if got := strings.Join(steps, ","); got != "draft,submitted,returned,submitted,accepted,completed" {
		t.Fatalf("history %s", got)
	}
	if done.History[2].Comment == "" || len(done.History[2].Fields) != 2 || done.History[2].Actor != "operator" {
		t.Fatalf("return step: %+v", done.History[2])
	}
	if done.Data["lastName"] != "Nowak-Kowalska" || done.ExpectedDecisionBy != nil {
		t.Fatalf("decided: %+v", done)
	}
}

// R15.7: a returned application may be cancelled by the resident, which
// frees its type for a new one.
func TestReturnedApplicationCancelled(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	p := newPerson(t, e)
	photo := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
	doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	a := cardDraft(t, e, p, photo, doc)
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)
	e.Call(t, "POST", "/operator/applications/"+a.ApplicationID+"/decision", op, map[string]any{
		"decision": "return", "comment": "Zdjęcie nieczytelne.", "fields": []string{"photoUploadId"}}).Expect(t, 200)
	if av := available(t, e, p); av["card_issue"] == "yes" {
		t.Fatal("a returned application does not hold its type")
	}
	e.Call(t, "DELETE", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 204)
	if av := available(t, e, p); av["card_issue"] != "yes" {
		t.Fatalf("after cancelling: %v", av)
	}
}
