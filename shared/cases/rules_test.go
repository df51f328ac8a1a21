package cases_test

import (
	"sync"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R9.3, R11.3: a resident answers only where the case's type allows it (409
// reply_not_allowed) and only while the case is open (409 case_closed); a
// city-only type reaches the resident and can be read. Nothing is written by
// a refused answer.
func TestReplyRules(t *testing.T) {
	e := testenv.Get(t)
	op := operator(t, e)
	p := newPerson(t, e)
	notice := cityCase(t, e, op, p, "announcement", "Zmiana godzin otwarcia")
	if notice.Unread != true || notice.Waiting == nil || *notice.Waiting != "resident" {
		t.Fatalf("city case %+v", notice)
	}
	res := e.Call(t, "POST", p.path("/"+notice.CaseID+"/messages"), p.token, map[string]any{"body": "Odpowiadam"}).Expect(t, 409)
	if pr := res.Problem(t); pr.Code != "reply_not_allowed" {
		t.Fatalf("code %s", pr.Code)
	}
	// The city may still write in it.
	e.Call(t, "POST", "/operator/cases/"+notice.CaseID+"/messages", op, map[string]any{"body": "Uzupełnienie"}).Expect(t, 201)
	var d detailView
	e.Call(t, "GET", p.path("/"+notice.CaseID), p.token, nil).Expect(t, 200).Decode(t, &d)
	if len(d.Messages) != 2 || d.Messages[0].From != "city" || d.Messages[1].From != "city" {
		t.Fatalf("messages %+v", d.Messages)
	}

	open := cityCase(t, e, op, p, "general", "Pytanie urzędu")
	e.Call(t, "POST", p.path("/"+open.CaseID+"/messages"), p.token, map[string]any{"body": "Odpowiedź"}).Expect(t, 201)
	e.Call(t, "POST", "/operator/cases/"+open.CaseID+"/close", op, nil).Expect(t, 200)
	res = e.Call(t, "POST", p.path("/"+open.CaseID+"/messages"), p.token, map[string]any{"body": "Jeszcze jedno"}).Expect(t, 409)
	if pr := res.Problem(t); pr.Code != "case_closed" {
		t.Fatalf("code %s", pr.Code)
	}
	e.Call(t, "GET", p.path("/"+open.CaseID), p.token, nil).Expect(t, 200).Decode(t, &d)
	if len(d.Messages) != 2 {
		t.Fatalf("a refused answer was stored: %+v", d.Messages)
	}
	// Bad bodies of the city's routes.
	for _, b := range []map[string]any{
		{"typeId": "general", "subject": "x", "body": "y"},                                            // neither profile nor broadcast
		{"profileId": p.profile, "broadcast": true, "typeId": "general", "subject": "x", "body": "y"}, // both
		{"profileId": "nope", "typeId": "general", "subject": "x", "body": "y"},
		{"broadcast": true, "typeId": "nope", "subject": "x", "body": "y"},
		{"broadcast": true, "typeId": "general", "subject": "", "body": "y"},
	} {
		if pr := e.Call(t, "POST", "/operator/cases", op, b).Expect(t, 422).Problem(t); pr.Code != "validation_failed" {
			t.Fatalf("%v: %s", b, pr.Code)
		}
	}
	e.Call(t, "POST", "/operator/cases/"+open.CaseID+"/messages", op, map[string]any{"body": ""}).Expect(t, 422)
	e.Call(t, "GET", "/operator/cases/"+p.profile+".01JBQ00000000000000000000Z", op, nil).Expect(t, 404)
	e.Call(t, "POST", "/operator/cases/01JBQ00000000000000000000Z/close", op, nil).Expect(t, 404)
	for _, q := range []string{"?status=draft", "?waiting=nobody", "?status=closed&waiting=city"} {
		if pr := e.Call(t, "GET", "/operator/cases"+q, op, nil).Expect(t, 422).Problem(t); pr.Code != "validation_failed" {
			t.Fatalf("%s: %s", q, pr.Code)
		}
	}
}

// R9.3: of a resident's answer and the city's racing on one case, each is
// either stored or refused as a conflict, never lost: the case counts the
// messages it has, and what it waits for is its last message's writer.
func TestRacingMessages(t *testing.T) {
	e := testenv.Get(t)
	op := operator(t, e)
	p := newPerson(t, e)
	c := openCase(t, e, p, "Wyścig")
	var wg sync.WaitGroup
	stored := make([]bool, 10)
	for i := range 10 {
		wg.Go(func() {
			var res *testenv.Resp
			if i%2 == 0 {
				res = e.Call(t, "POST", p.path("/"+c.CaseID+"/messages"), p.token, map[string]any{"body": "r"})
			} else {
				res = e.Call(t, "POST", "/operator/cases/"+c.CaseID+"/messages", op, map[string]any{"body": "c"})
			}
			switch res.Status {
			case 201:
				stored[i] = true
			case 409:
			default:
				t.Errorf("status %d: %s", res.Status, res.Body)
			}
		})
	}
	wg.Wait()
	n := 1
	for _, s := range stored {
		if s {
			n++
		}
	}
	var d detailView
	e.Call(t, "GET", "/operator/cases/"+c.CaseID+"?limit=100", op, nil).Expect(t, 200).Decode(t, &d)
	if len(d.Messages) != n {
		t.Fatalf("%d messages stored, %d answered 201", len(d.Messages), n)
	}
	last := d.Messages[0].From
	if want := map[string]string{"resident": "city", "city": "resident"}[last]; d.Waiting == nil || *d.Waiting != want {
		t.Fatalf("last message by %s, waiting %v", last, d.Waiting)
	}
}

// R10.3, R10.4: a family member's own login has no cases (403
// household_head_only on its own profile, 404 on the head's); the head opens
// and reads cases on the member's profile, which lists no broadcasts; the
// city writes to heads only.
func TestFamily(t *testing.T) {
	e := testenv.Get(t)
	op := operator(t, e)
	head := newPerson(t, e)
	kid := member(t, e, head)
	broadcast(t, e, op, "Dla wszystkich")
	for _, path := range []string{"/profiles/me/cases", "/profiles/" + kid.profile + "/cases", "/profiles/me/cases/unread-count"} {
		if pr := e.Call(t, "GET", path, kid.token, nil).Expect(t, 403).Problem(t); pr.Code != "household_head_only" {
			t.Fatalf("%s: %s", path, pr.Code)
		}
	}
	if pr := e.Call(t, "POST", "/profiles/me/cases", kid.token, map[string]any{"typeId": "general", "subject": "x", "body": "y"}).
		Expect(t, 403).Problem(t); pr.Code != "household_head_only" {
		t.Fatalf("create: %s", pr.Code)
	}
	e.Call(t, "GET", head.path(""), kid.token, nil).Expect(t, 404)

	onKid := person{email: head.email, token: head.token, profile: kid.profile}
	c := openCase(t, e, onKid, "Legitymacja syna")
	if l := listAll(t, e, head.token, onKid.path(""), 20); len(l) != 1 || l[0].CaseID != c.CaseID {
		t.Fatalf("member's list %+v", l)
	}
	if l := listAll(t, e, head.token, head.path(""), 20); len(l) != 1 || !l[0].Broadcast {
		t.Fatalf("head's list %+v", l)
	}
	// The case is the member's profile's, not the head's.
	e.Call(t, "GET", head.path("/"+c.CaseID), head.token, nil).Expect(t, 404)
	e.Call(t, "GET", onKid.path("/"+c.CaseID), head.token, nil).Expect(t, 200)
	// The city answers; the head is told (the member's login cannot read it).
	e.Call(t, "POST", "/operator/cases/"+c.CaseID+"/messages", op, map[string]any{"body": "Proszę o skan"}).Expect(t, 201)
	e.WaitMail(t, head.email, 2)
	if n := unread(t, e, onKid); n != 1 {
		t.Fatalf("member's badge %d", n)
	}
	if n := unread(t, e, head); n != 0 {
		t.Fatalf("head's badge %d", n)
	}
	// A member's profile is no resident the city writes to.
	if pr := e.Call(t, "POST", "/operator/cases", op, map[string]any{"profileId": kid.profile, "typeId": "general", "subject": "x", "body": "y"}).
		Expect(t, 422).Problem(t); pr.Code != "validation_failed" {
		t.Fatalf("code %s", pr.Code)
	}
}

// A retried create (same Idempotency-Key and body) answers the first case and
// stores one; within budget: the account, the facts, the transaction.
func TestCreateRetried(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	pdf := e.Upload(t, p.token, p.profile, "attachment", "application/pdf", testenv.PDFBytes)
	body := map[string]any{"typeId": "card", "subject": "Karta", "body": "Treść", "attachmentUploadIds": []string{pdf}}
	first := e.Call(t, "POST", p.path(""), p.token, body, "Idempotency-Key", "k-1").Expect(t, 201)
	if first.Calls > 3 {
		t.Errorf("create: %d round trips, budget 3", first.Calls)
	}
	var a, b detailView
	first.Decode(t, &a)
	again := e.Call(t, "POST", p.path(""), p.token, body, "Idempotency-Key", "k-1").Expect(t, 201)
	again.Decode(t, &b)
	if a.CaseID != b.CaseID || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry answered %s, first %s", b.CaseID, a.CaseID)
	}
	if l := listAll(t, e, p.token, p.path(""), 20); len(l) != 1 {
		t.Fatalf("%d cases", len(l))
	}
	res := e.Call(t, "GET", p.path("/unread-count"), p.token, nil).Expect(t, 200)
	if res.Calls > 2 {
		t.Errorf("badge: %d round trips, budget 2", res.Calls)
	}
}
