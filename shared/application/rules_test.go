package application_test

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

func draft(t *testing.T, e *testenv.Env, p person, typ string, data map[string]any) app {
	t.Helper()
	var a app
	e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": typ, "data": data}).Expect(t, 201).Decode(t, &a)
	return a
}

// R4.1, R14.2: submit checks completeness; a refused submit leaves the draft a draft.
func TestSubmitCompleteness(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	photo := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
	doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	full := func() map[string]any {
		return map[string]any{"firstName": "Anna", "lastName": "Nowak", "birthDate": "1990-04-12", "cardKind": "physical",
			"pickupPointId": "um-rynek", "photoUploadId": photo, "documentUploadIds": []string{doc}, "consents": consents}
	}
	cases := []struct {
		name        string
		edit        func(map[string]any)
		code, field string
	}{
		{"no photo", func(d map[string]any) { delete(d, "photoUploadId") }, "upload_invalid", "data.photoUploadId"},
		{"document as photo", func(d map[string]any) { d["photoUploadId"] = doc }, "upload_invalid", "data.photoUploadId"},
		{"no documents", func(d map[string]any) { d["documentUploadIds"] = []string{} }, "validation_failed", "data.documentUploadIds"},
		{"no pickup point for a physical card", func(d map[string]any) { delete(d, "pickupPointId") }, "validation_failed", "data.pickupPointId"},
		{"unknown pickup point", func(d map[string]any) { d["pickupPointId"] = "moon" }, "validation_failed", "data.pickupPointId"},
		{"mandatory consent missing", func(d map[string]any) { d["consents"] = consents[:2] }, "consent_required", "data.consents.residence"},
		{"no name", func(d map[string]any) { d["firstName"] = "" }, "validation_failed", "data.firstName"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := full()
			c.edit(data)
			a := draft(t, e, p, "card_issue", data)
			pr := e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 422).Problem(t)
			if pr.Code != c.code || len(pr.Errors) == 0 || pr.Errors[0].Field != c.field {
				t.Fatalf("problem %+v, want %s on %s", pr, c.code, c.field)
			}
			var after app
			e.Call(t, "GET", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 200).Decode(t, &after)
			if after.Status != "draft" {
				t.Fatalf("status %s after a refused submit", after.Status)
			}
			e.Call(t, "DELETE", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 204)
			e.Call(t, "GET", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 404)
		})
	}
	// Drafts are checked for form, not completeness.
	if pr := e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": "card_issue", "data": map[string]any{"cardKind": "plastic"}}).Expect(t, 422).Problem(t); pr.Errors[0].Field != "data.cardKind" {
		t.Fatalf("%+v", pr)
	}
	e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": "card_issue", "data": map[string]any{"colour": "red"}}).Expect(t, 400)
	e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": "loan"}).Expect(t, 422)
	// Not available: no card yet, so no duplicate (R4.5) and no data change (R4.7).
	for _, typ := range []string{"duplicate", "data_change", "physical_card"} {
		if pr := e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": typ, "data": map[string]any{}}).Expect(t, 409).Problem(t); pr.Code != "application_not_available" {
			t.Fatalf("%s: %s", typ, pr.Code)
		}
	}
}

// R4.2, R5.3, R11.1: rejection needs a reason, mails it, and ends the
// application; a decided application cannot be cancelled, changed or decided again.
func TestRejectAndCancel(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	id := cardApplication(t, e, p, "physical")
	decide(t, e, op, id, "reject", "").Expect(t, 422)
	var a app
	decide(t, e, op, id, "reject", "Zdjęcie jest nieczytelne").Expect(t, 200).Decode(t, &a)
	if a.Status != "rejected" || a.History[len(a.History)-1].Comment != "Zdjęcie jest nieczytelne" {
		t.Fatalf("rejected %+v", a)
	}
	m := e.WaitMail(t, p.email, 3)
	if !strings.Contains(m.Subject, "odrzucony") || !strings.Contains(m.Body.Text, "Zdjęcie jest nieczytelne") {
		t.Fatalf("rejection mail %q: %s", m.Subject, m.Body.Text)
	}
	decide(t, e, op, id, "accept", "").Expect(t, 409)
	e.Call(t, "DELETE", p.path("/applications/"+id), p.token, nil).Expect(t, 409)
	e.Call(t, "PUT", p.path("/applications/"+id), p.token, map[string]any{"data": map[string]any{}}).Expect(t, 409)
	if n := len(cards(t, e, p)); n != 0 {
		t.Fatalf("%d cards after a rejection", n)
	}

	// A submitted application is cancelled by the resident and leaves the queue.
	id2 := cardApplication(t, e, p, "virtual")
	if !inQueue(t, e, op, id2) {
		t.Fatal("the submitted application is not in the queue")
	}
	e.Call(t, "DELETE", p.path("/applications/"+id2), p.token, nil).Expect(t, 204)
	if inQueue(t, e, op, id2) {
		t.Fatal("the cancelled application is still in the queue")
	}
	var c app
	e.Call(t, "GET", p.path("/applications/"+id2), p.token, nil).Expect(t, 200).Decode(t, &c)
	if c.Status != "cancelled" {
		t.Fatalf("cancelled %+v", c)
	}
	decide(t, e, op, id2, "accept", "").Expect(t, 409)
}

// R4.7: an accepted data change changes the profile.
func TestDataChange(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	decide(t, e, op, cardApplication(t, e, p, "virtual"), "accept", "").Expect(t, 200)
	doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	a := draft(t, e, p, "data_change", map[string]any{"lastName": "Nowak-Kowalska", "documentUploadIds": []string{doc}})
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)
	decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 200)
	var me struct{ FirstName, LastName string }
	e.Call(t, "GET", "/profiles/me", p.token, nil).Expect(t, 200).Decode(t, &me)
	if me.FirstName != "Anna" || me.LastName != "Nowak-Kowalska" {
		t.Fatalf("profile after the change %+v", me)
	}
}

// R5.1, R5.2: the list filters by status and type, sorts both ways, pages.
func TestListApplications(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	var made []string // oldest first
	for range 3 {
		// Cancelled applications stay listed; one open application per type.
		id := cardApplication(t, e, p, "virtual")
		e.Call(t, "DELETE", p.path("/applications/"+id), p.token, nil).Expect(t, 204)
		made = append(made, id)
	}
	a := draft(t, e, p, "card_issue", map[string]any{"cardKind": "virtual"})
	e.Call(t, "DELETE", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 204) // a deleted draft is gone
	made = append(made, cardApplication(t, e, p, "virtual"))
	type page struct {
		Items      []app   `json:"items"`
		NextCursor *string `json:"nextCursor"`
	}
	ids := func(pg page) []string {
		var out []string
		for _, it := range pg.Items {
			out = append(out, it.ApplicationID)
		}
		return out
	}
	var asc, desc page
	res := e.Call(t, "GET", p.path("/applications?sort=date_asc"), p.token, nil).Expect(t, 200)
	res.Decode(t, &asc)
	if res.Calls > 2 {
		t.Errorf("list: %d round trips", res.Calls)
	}
	if got := ids(asc); strings.Join(got, ",") != strings.Join(made, ",") {
		t.Fatalf("oldest first: %v, want %v", got, made)
	}
	e.Call(t, "GET", p.path("/applications"), p.token, nil).Expect(t, 200).Decode(t, &desc)
	got := ids(desc)
	slices.Reverse(got)
	if strings.Join(got, ",") != strings.Join(made, ",") {
		t.Fatalf("newest first (default): %v", ids(desc))
	}
	var filtered page
	e.Call(t, "GET", p.path("/applications?status=cancelled&type=card_issue"), p.token, nil).Expect(t, 200).Decode(t, &filtered)
	cancelled := ids(filtered)
	slices.Reverse(cancelled) // newest first
	if strings.Join(cancelled, ",") != strings.Join(made[:3], ",") {
		t.Fatalf("cancelled: %v, want %v", ids(filtered), made[:3])
	}
	e.Call(t, "GET", p.path("/applications?status=draft"), p.token, nil).Expect(t, 200).Decode(t, &filtered)
	if len(filtered.Items) != 0 {
		t.Fatalf("drafts %+v", filtered.Items)
	}
	e.Call(t, "GET", p.path("/applications?type=duplicate"), p.token, nil).Expect(t, 200).Decode(t, &filtered)
	if len(filtered.Items) != 0 {
		t.Fatalf("duplicates %+v", filtered.Items)
	}
	for q, want := range map[string]string{"limit=0": "validation_failed", "sort=name": "validation_failed",
		"status=lost": "validation_failed", "cursor=garbage": "invalid_cursor"} {
		r := e.Call(t, "GET", p.path("/applications?"+q), p.token, nil)
		if pr := r.Problem(t); pr.Code != want || (r.Status != 422 && r.Status != 400) {
			t.Errorf("?%s: %d %s, want %s", q, r.Status, pr.Code, want)
		}
	}
}

// inQueue pages through the operators' queue of submitted applications.
func inQueue(t *testing.T, e *testenv.Env, op, id string) bool {
	t.Helper()
	path := "/operator/applications?status=submitted&limit=100"
	for {
		var pg struct {
			Items      []app   `json:"items"`
			NextCursor *string `json:"nextCursor"`
		}
		e.Call(t, "GET", path, op, nil).Expect(t, 200).Decode(t, &pg)
		for _, it := range pg.Items {
			if it.ApplicationID == id {
				return true
			}
		}
		if pg.NextCursor == nil {
			return false
		}
		path = "/operator/applications?status=submitted&limit=100&cursor=" + url.QueryEscape(*pg.NextCursor)
	}
}

// R5.2: cursor paging over more applications than one page.
func TestListPaging(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	for range 5 {
		a := draft(t, e, p, "card_issue", map[string]any{})
		e.Call(t, "DELETE", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 204)
	}
	for range 5 {
		id := cardApplication(t, e, p, "virtual")
		e.Call(t, "DELETE", p.path("/applications/"+id), p.token, nil).Expect(t, 204) // cancelled, listed
	}
	seen := map[string]bool{}
	var order []string
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		var pg struct {
			Items      []app   `json:"items"`
			NextCursor *string `json:"nextCursor"`
		}
		e.Call(t, "GET", p.path("/applications?limit=2&status=cancelled&cursor="+cursor), p.token, nil).Expect(t, 200).Decode(t, &pg)
		for _, a := range pg.Items {
			if seen[a.ApplicationID] {
				t.Fatalf("%s listed twice", a.ApplicationID)
			}
			seen[a.ApplicationID] = true
			order = append(order, a.ApplicationID)
		}
		if pg.NextCursor == nil {
			break
		}
		cursor = *pg.NextCursor
	}
	if len(order) != 5 {
		t.Fatalf("paged %d cancelled applications, want 5", len(order))
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] < order[i] {
			t.Fatalf("not newest first: %v", order)
		}
	}
	// Another profile's cursor is refused.
	q := newPerson(t, e)
	var pg struct{ NextCursor *string }
	e.Call(t, "GET", p.path("/applications?limit=1"), p.token, nil).Expect(t, 200).Decode(t, &pg)
	e.Call(t, "GET", q.path("/applications?cursor="+*pg.NextCursor), q.token, nil).Expect(t, 400)
}

// R14.3: another resident gets 404 on every route with a foreign profile,
// application, card or upload id; never 403, never the data.
func TestForeignIDsAre404(t *testing.T) {
	e := testenv.Get(t)
	owner := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	appID := cardApplication(t, e, owner, "virtual")
	decide(t, e, op, appID, "accept", "").Expect(t, 200)
	cardID := cards(t, e, owner)[0].CardID
	draftID := draft(t, e, owner, "physical_card", map[string]any{}).ApplicationID
	uploadID := e.Upload(t, owner.token, owner.profile, "photo", "image/jpeg", testenv.JPEGBytes)

	other := newPerson(t, e)
	foreign := []struct{ method, path string }{
		{"GET", owner.path("")},
		{"GET", owner.path("/cards")},
		{"POST", owner.path("/cards/" + cardID + "/block")},
		{"GET", owner.path("/cards/" + cardID + "/qr")},
		{"GET", owner.path("/applications")},
		{"GET", owner.path("/applications/available")},
		{"POST", owner.path("/applications")},
		{"GET", owner.path("/applications/" + appID)},
		{"PUT", owner.path("/applications/" + draftID)},
		{"POST", owner.path("/applications/" + draftID + "/submit")},
		{"DELETE", owner.path("/applications/" + draftID)},
		{"POST", owner.path("/uploads")},
		// The other's own profile with the owner's ids.
		{"POST", other.path("/cards/" + cardID + "/block")},
		{"GET", other.path("/cards/" + cardID + "/qr")},
		{"GET", other.path("/applications/" + appID)},
		{"PUT", other.path("/applications/" + draftID)},
		{"POST", other.path("/applications/" + draftID + "/submit")},
		{"DELETE", other.path("/applications/" + draftID)},
	}
	bodies := map[string]any{
		"POST " + owner.path("/cards/"+cardID+"/block"): map[string]string{"reason": "lost"},
		"POST " + other.path("/cards/"+cardID+"/block"): map[string]string{"reason": "lost"},
		"POST " + owner.path("/applications"):           map[string]any{"type": "card_issue", "data": map[string]any{}},
		"PUT " + owner.path("/applications/"+draftID):   map[string]any{"data": map[string]any{}},
		"PUT " + other.path("/applications/"+draftID):   map[string]any{"data": map[string]any{}},
		"POST " + owner.path("/uploads"):                map[string]any{"purpose": "photo", "contentType": "image/jpeg", "size": 10},
	}
	for _, f := range foreign {
		t.Run(f.method+" "+f.path, func(t *testing.T) {
			body := bodies[f.method+" "+f.path]
			if p := e.Call(t, f.method, f.path, other.token, body).Expect(t, 404).Problem(t); p.Code != "not_found" {
				t.Fatalf("code %s", p.Code)
			}
		})
	}
	// An upload of another profile cannot be attached.
	a := draft(t, e, other, "card_issue", map[string]any{"firstName": "Jan", "lastName": "Obcy", "birthDate": "1980-01-01",
		"cardKind": "virtual", "photoUploadId": uploadID, "documentUploadIds": []string{uploadID}, "consents": consents})
	if pr := e.Call(t, "POST", other.path("/applications/"+a.ApplicationID+"/submit"), other.token, nil).Expect(t, 422).Problem(t); pr.Code != "upload_invalid" {
		t.Fatalf("foreign upload: %s", pr.Code)
	}
	// Nothing changed for the owner.
	if c := cards(t, e, owner)[0]; c.Status != "active" {
		t.Fatalf("owner's card %+v", c)
	}
	// Residents get 403 on operator routes (the matrix covers every route).
	e.Call(t, "POST", "/operator/applications/"+appID+"/decision", other.token, map[string]string{"decision": "accept"}).Expect(t, 403)
}

// Twenty parallel creates with one Idempotency-Key make one application.
func TestCreateIdempotent(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	key := "b1946ac9-2e2b-4c5e-8e0c-77e2d2d5f0a1"
	body := map[string]any{"type": "card_issue", "data": map[string]any{"cardKind": "virtual"}}
	var wg sync.WaitGroup
	ids := make([]string, 20)
	codes := make([]int, 20)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := e.Call(t, "POST", p.path("/applications"), p.token, body, "Idempotency-Key", key)
			codes[i] = res.Status
			if res.Status == 201 {
				var a app
				res.Decode(t, &a)
				ids[i] = a.ApplicationID
			}
		}()
	}
	wg.Wait()
	distinct := map[string]bool{}
	for i, c := range codes {
		switch c {
		case 201:
			distinct[ids[i]] = true
		default:
			t.Fatalf("codes %v", codes)
		}
	}
	var l struct{ Items []app }
	e.Call(t, "GET", p.path("/applications"), p.token, nil).Expect(t, 200).Decode(t, &l)
	if len(l.Items) != 1 || len(distinct) != 1 || !distinct[l.Items[0].ApplicationID] {
		t.Fatalf("%d applications, answers named %v", len(l.Items), distinct)
	}
}

// Acceptance checks availability again: a virtual card blocked after the
// physical card application was submitted makes it unavailable (409), not a crash.
func TestAcceptRechecksAvailability(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	decide(t, e, op, cardApplication(t, e, p, "virtual"), "accept", "").Expect(t, 200)
	a := draft(t, e, p, "physical_card", map[string]any{"pickupPointId": "um-rynek"})
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)
	e.Call(t, "POST", p.path("/cards/"+cards(t, e, p)[0].CardID+"/block"), p.token, map[string]string{"reason": "stolen"}).Expect(t, 200)
	if pr := decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 409).Problem(t); pr.Code != "application_not_available" {
		t.Fatalf("code %s", pr.Code)
	}
	// A submitted application's data cannot be replaced.
	if pr := e.Call(t, "PUT", p.path("/applications/"+a.ApplicationID), p.token, map[string]any{"data": map[string]any{"pickupPointId": "mosir"}}).Expect(t, 409).Problem(t); pr.Code != "application_state_conflict" {
		t.Fatalf("code %s", pr.Code)
	}
}

func TestDraftFieldNames(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	pr := e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": "card_issue", "data": map[string]any{"birthDate": 19900412}}).Expect(t, 422).Problem(t)
	if pr.Errors[0].Field != "data.birthDate" {
		t.Fatalf("field %q", pr.Errors[0].Field)
	}
	e.Call(t, "GET", p.path("/applications?status=lost"), p.token, nil).Expect(t, 422)
}
