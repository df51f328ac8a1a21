package cases_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R9.2, R14.2: a new case's limits, each answered with its code and changing
// nothing: subject (200), body (5,000), attachments (at most 5, distinct,
// uploads of purpose attachment of this profile, stored as declared), a type
// residents may open.
func TestCreateLimits(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	other := newPerson(t, e)
	pdf := e.Upload(t, p.token, p.profile, "attachment", "application/pdf", testenv.PDFBytes)
	photo := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
	foreign := e.Upload(t, other.token, other.profile, "attachment", "application/pdf", testenv.PDFBytes)
	// Declared as a PDF, never sent.
	var missing struct {
		UploadID string `json:"uploadId"`
	}
	e.Call(t, "POST", "/profiles/me/uploads", p.token, map[string]any{"purpose": "attachment", "contentType": "application/pdf",
		"size": len(testenv.PDFBytes)}).Expect(t, 201).Decode(t, &missing)

	body := func(mod func(m map[string]any)) map[string]any {
		m := map[string]any{"typeId": "general", "subject": "Pytanie", "body": "Dzień dobry", "attachmentUploadIds": []string{}}
		mod(m)
		return m
	}
	for _, c := range []struct {
		name       string
		body       map[string]any
		code       string
		field      string
		fieldCode  string
		wantStatus int
	}{
		{"subject too long", body(func(m map[string]any) { m["subject"] = strings.Repeat("ą", 201) }), "validation_failed", "subject", "too_long", 422},
		{"subject blank", body(func(m map[string]any) { m["subject"] = "  " }), "validation_failed", "subject", "required", 422},
		{"subject two lines", body(func(m map[string]any) { m["subject"] = "a\nb" }), "validation_failed", "subject", "invalid_character", 422},
		{"body too long", body(func(m map[string]any) { m["body"] = strings.Repeat("ż", 5001) }), "validation_failed", "body", "too_long", 422},
		{"body blank", body(func(m map[string]any) { m["body"] = "" }), "validation_failed", "body", "required", 422},
		{"body with a bidi override", body(func(m map[string]any) { m["body"] = "a\u202eb" }), "validation_failed", "body", "invalid_character", 422},
		{"six attachments", body(func(m map[string]any) { m["attachmentUploadIds"] = []string{pdf, pdf, pdf, pdf, pdf, pdf} }), "validation_failed", "attachmentUploadIds", "too_many", 422},
		{"an attachment twice", body(func(m map[string]any) { m["attachmentUploadIds"] = []string{pdf, pdf} }), "validation_failed", "attachmentUploadIds[1]", "duplicate", 422},
		{"an attachment id of no shape", body(func(m map[string]any) { m["attachmentUploadIds"] = []string{strings.Repeat("x", 2000)} }), "validation_failed", "attachmentUploadIds[0]", "invalid", 422},
		{"a photo as attachment", body(func(m map[string]any) { m["attachmentUploadIds"] = []string{photo} }), "upload_invalid", "attachmentUploadIds[0]", "wrong_purpose", 422},
		{"another resident's upload", body(func(m map[string]any) { m["attachmentUploadIds"] = []string{pdf, foreign} }), "upload_invalid", "attachmentUploadIds[1]", "not_found", 422},
		{"an upload never sent", body(func(m map[string]any) { m["attachmentUploadIds"] = []string{missing.UploadID} }), "upload_invalid", "attachmentUploadIds[0]", "not_uploaded", 422},
		{"a city-only type", body(func(m map[string]any) { m["typeId"] = "announcement" }), "validation_failed", "typeId", "resident_cannot_open", 422},
		{"an unknown type", body(func(m map[string]any) { m["typeId"] = "nope" }), "validation_failed", "typeId", "unknown", 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := e.Call(t, "POST", p.path(""), p.token, c.body).Expect(t, c.wantStatus)
			pr := res.Problem(t)
			if pr.Code != c.code {
				t.Fatalf("code %s, want %s: %s", pr.Code, c.code, res.Body)
			}
			found := false
			for _, f := range pr.Errors {
				found = found || (f.Field == c.field && f.Code == c.fieldCode)
			}
			if !found {
				t.Fatalf("errors %+v lack %s/%s", pr.Errors, c.field, c.fieldCode)
			}
		})
	}
	// Unknown fields are 400.
	e.Call(t, "POST", p.path(""), p.token, `{"typeId":"general","subject":"a","body":"b","to":"partner"}`).Expect(t, 400)
	if l := listAll(t, e, p.token, p.path(""), 20); len(l) != 0 {
		t.Fatalf("a refused case was stored: %+v", l)
	}
	// Five attachments at the limit are taken.
	five := []string{pdf}
	for range 4 {
		five = append(five, e.Upload(t, p.token, p.profile, "attachment", "image/png", testenv.PNGBytes))
	}
	d := openCase(t, e, p, "Pięć załączników", five...)
	if len(d.Messages) != 1 || len(d.Messages[0].Attachments) != 5 {
		t.Fatalf("created %+v", d)
	}
}

// R14.3: a case of another resident is 404 on every case route, exactly as
// a missing one, by its id on the caller's own profile and on its owner's.
func TestIsolation(t *testing.T) {
	e := testenv.Get(t)
	owner := newPerson(t, e)
	intruder := newPerson(t, e)
	c := openCase(t, e, owner, "Moja sprawa")
	missing := owner.profile + ".01JBQ00000000000000000000Z"
	reply := map[string]any{"body": "cudza", "attachmentUploadIds": []string{}}
	for _, id := range []string{c.CaseID, missing, "not-an-id", strings.Repeat("9", 3000)} {
		for _, prof := range []string{"me", owner.profile, intruder.profile} {
			base := "/profiles/" + prof + "/cases/" + id
			for _, req := range []struct{ method, path string }{
				{"GET", base}, {"GET", base + "/messages"}, {"POST", base + "/messages"},
			} {
				var b any
				if req.method == "POST" {
					b = reply
				}
				res := e.Call(t, req.method, req.path, intruder.token, b)
				if res.Status != 404 {
					t.Fatalf("%s %s: %d %s", req.method, req.path, res.Status, res.Body)
				}
				if pr := res.Problem(t); pr.Code != "not_found" {
					t.Fatalf("%s %s: code %s", req.method, req.path, pr.Code)
				}
			}
		}
	}
	// The owner's profile is not the intruder's to list, count or write in.
	for _, req := range []struct{ method, path string }{
		{"GET", owner.path("")}, {"GET", owner.path("/unread-count")}, {"POST", owner.path("")},
	} {
		var b any
		if req.method == "POST" {
			b = map[string]any{"typeId": "general", "subject": "x", "body": "y"}
		}
		if pr := e.Call(t, req.method, req.path, intruder.token, b).Expect(t, 404).Problem(t); pr.Code != "not_found" {
			t.Fatalf("%s %s: %s", req.method, req.path, pr.Code)
		}
	}
	// Nothing of the owner's case changed.
	var d detailView
	e.Call(t, "GET", owner.path("/"+c.CaseID), owner.token, nil).Expect(t, 200).Decode(t, &d)
	if len(d.Messages) != 1 {
		t.Fatalf("the case changed: %+v", d)
	}
}

// R9.1–R9.3, R9.5, R11.4: a conversation with attachments. The resident
// opens a case with a PDF; the operator finds it waiting for the city, reads
// the file, answers; the resident is told by mail (without the text), sees it
// unread, reads it, answers; the operator closes it and nobody writes any more.
func TestConversation(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := operator(t, e)
	pdf := e.Upload(t, p.token, p.profile, "attachment", "application/pdf", testenv.PDFBytes)

	d := openCase(t, e, p, "Zniżka na basen", pdf)
	if d.Status != "open" || d.Unread || d.Broadcast || d.TypeName != "Sprawa ogólna" || len(d.Messages) != 1 ||
		d.Messages[0].From != "resident" || len(d.Messages[0].Attachments) != 1 || d.NextCursor != nil {
		t.Fatalf("new case %+v", d)
	}
	if !strings.HasPrefix(d.CaseID, p.profile+".") {
		t.Fatalf("case id %s does not name its owner", d.CaseID)
	}

	// The operator's inbox: waiting for the city.
	var inbox struct{ Items []caseView }
	e.Call(t, "GET", "/operator/cases?waiting=city&limit=100", op, nil).Expect(t, 200).Decode(t, &inbox)
	if !hasCase(inbox.Items, d.CaseID) {
		t.Fatalf("the inbox lacks the case: %+v", inbox.Items)
	}
	var od detailView
	e.Call(t, "GET", "/operator/cases/"+d.CaseID, op, nil).Expect(t, 200).Decode(t, &od)
	if od.ProfileID == nil || *od.ProfileID != p.profile || od.Waiting == nil || *od.Waiting != "city" || len(od.Messages) != 1 {
		t.Fatalf("operator's view %+v", od)
	}
	a := od.Messages[0].Attachments[0]
	if a.UploadID != pdf || a.ContentType != "application/pdf" || a.Size != int64(len(testenv.PDFBytes)) {
		t.Fatalf("attachment %+v", a)
	}
	// The link serves the file as a PDF to save, once it is kept (a task
	// copies it out of the expiring pending uploads right after the commit).
	got := waitFile(t, a.URL)
	if got.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("served as %v", got.Header)
	}

	// The city answers: a notice by mail, the case unread, the badge 1.
	var answer msgView
	e.Call(t, "POST", "/operator/cases/"+d.CaseID+"/messages", op, map[string]any{"body": "Tajna odpowiedź urzędu 4711"}).
		Expect(t, 201).Decode(t, &answer)
	if answer.From != "city" {
		t.Fatalf("answer %+v", answer)
	}
	mail := e.WaitMail(t, p.email, 2) // the first is the activation mail
	if strings.Contains(mail.Body.Text+mail.Body.HTML+mail.Subject, "4711") || strings.Contains(mail.Body.Text, "Zniżka na basen") {
		t.Fatalf("the notice carries the message: %+v", mail)
	}
	if !strings.Contains(mail.Body.Text, testenv.PortalURL+"/cases/"+d.CaseID) {
		t.Fatalf("the notice has no link to the case: %s", mail.Body.Text)
	}
	if n := unread(t, e, p); n != 1 {
		t.Fatalf("badge %d, want 1", n)
	}
	l := listAll(t, e, p.token, p.path(""), 20)
	if len(l) != 1 || !l[0].Unread || l[0].LastMessageAt.Before(d.LastMessageAt) {
		t.Fatalf("list %+v", l)
	}
	// Reading marks it read.
	e.Call(t, "GET", p.path("/"+d.CaseID), p.token, nil).Expect(t, 200).Decode(t, &d)
	if d.Unread || len(d.Messages) != 2 || d.Messages[0].Body != "Tajna odpowiedź urzędu 4711" {
		t.Fatalf("read %+v", d)
	}
	if n := unread(t, e, p); n != 0 {
		t.Fatalf("badge %d after reading", n)
	}
	// The resident answers: the case waits for the city again.
	e.Call(t, "POST", p.path("/"+d.CaseID+"/messages"), p.token, map[string]any{"body": "Dziękuję"}).Expect(t, 201)
	e.Call(t, "GET", "/operator/cases/"+d.CaseID, op, nil).Expect(t, 200).Decode(t, &od)
	if *od.Waiting != "city" || len(od.Messages) != 3 {
		t.Fatalf("after the answer %+v", od)
	}
	// Closed: no more messages from anyone (409 case_closed), listed as closed.
	e.Call(t, "POST", "/operator/cases/"+d.CaseID+"/close", op, nil).Expect(t, 200).Decode(t, &od)
	if od.Status != "closed" || od.Waiting != nil {
		t.Fatalf("closed %+v", od)
	}
	if pr := e.Call(t, "POST", p.path("/"+d.CaseID+"/messages"), p.token, map[string]any{"body": "Jeszcze"}).Expect(t, 409).Problem(t); pr.Code != "case_closed" {
		t.Fatalf("code %s", pr.Code)
	}
	if pr := e.Call(t, "POST", "/operator/cases/"+d.CaseID+"/messages", op, map[string]any{"body": "Jeszcze"}).Expect(t, 409).Problem(t); pr.Code != "case_closed" {
		t.Fatalf("code %s", pr.Code)
	}
	if pr := e.Call(t, "POST", "/operator/cases/"+d.CaseID+"/close", op, nil).Expect(t, 409).Problem(t); pr.Code != "case_closed" {
		t.Fatalf("code %s", pr.Code)
	}
	if l := listAll(t, e, p.token, p.path("?status=closed"), 20); len(l) != 1 || l[0].Status != "closed" {
		t.Fatalf("closed list %+v", l)
	}
	if l := listAll(t, e, p.token, p.path("?status=open"), 20); len(l) != 0 {
		t.Fatalf("open list %+v", l)
	}
	e.Call(t, "GET", "/operator/cases?status=closed&limit=100", op, nil).Expect(t, 200).Decode(t, &inbox)
	if !hasCase(inbox.Items, d.CaseID) {
		t.Fatal("the closed inbox lacks the case")
	}
	e.Call(t, "GET", "/operator/cases?limit=100", op, nil).Expect(t, 200).Decode(t, &inbox)
	if hasCase(inbox.Items, d.CaseID) {
		t.Fatal("a closed case is still in the open inbox")
	}
}

func hasCase(items []caseView, id string) bool {
	for _, c := range items {
		if c.CaseID == id {
			return true
		}
	}
	return false
}

func unread(t *testing.T, e *testenv.Env, p person) int {
	t.Helper()
	var c struct {
		Count *int `json:"count"`
	}
	e.Call(t, "GET", p.path("/unread-count"), p.token, nil).Expect(t, 200).Decode(t, &c)
	if c.Count == nil {
		t.Fatal("no count")
	}
	return *c.Count
}

// waitFile fetches a presigned link until the object is there (it is copied
// by a task after the commit); the wait guards against loss, not slowness.
func waitFile(t *testing.T, url string) *http.Response {
	t.Helper()
	for range 600 {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == 200 {
			return res
		}
		sleep()
	}
	t.Fatalf("the file at %s never appeared", url)
	return nil
}
