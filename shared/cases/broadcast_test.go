package cases_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R9.3: a thread of 60 messages pages from the newest to the first, each
// message exactly once and in order, whatever the page size.
func TestThreadPaging(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := operator(t, e)
	d := openCase(t, e, p, "Długa rozmowa")
	want := []string{d.Messages[0].MessageID}
	for i := 1; i < 60; i++ {
		var m msgView
		if i%2 == 1 {
			e.Call(t, "POST", "/operator/cases/"+d.CaseID+"/messages", op, map[string]any{"body": "miasto " + itoa(i)}).Expect(t, 201).Decode(t, &m)
		} else {
			e.Call(t, "POST", p.path("/"+d.CaseID+"/messages"), p.token, map[string]any{"body": "mieszkaniec " + itoa(i)}).Expect(t, 201).Decode(t, &m)
		}
		want = append(want, m.MessageID)
	}
	for _, limit := range []int{7, 20, 60, 100} {
		var got []string
		var first detailView
		e.Call(t, "GET", p.path("/"+d.CaseID+"?limit="+itoa(limit)), p.token, nil).Expect(t, 200).Decode(t, &first)
		for _, m := range first.Messages {
			got = append(got, m.MessageID)
		}
		next := first.NextCursor
		for next != nil {
			var page msgList
			res := e.Call(t, "GET", p.path("/"+d.CaseID+"/messages?limit="+itoa(limit)+"&cursor="+*next), p.token, nil).Expect(t, 200)
			if res.Calls > 2 {
				t.Errorf("older messages: %d round trips, budget 2", res.Calls)
			}
			res.Decode(t, &page)
			if len(page.Items) == 0 || len(page.Items) > limit {
				t.Fatalf("limit %d: a page of %d", limit, len(page.Items))
			}
			for _, m := range page.Items {
				got = append(got, m.MessageID)
			}
			next = page.NextCursor
		}
		if len(got) != 60 {
			t.Fatalf("limit %d: %d messages, want 60", limit, len(got))
		}
		for i := range got {
			if got[i] != want[59-i] {
				t.Fatalf("limit %d: message %d is %s, want %s (newest first)", limit, i, got[i], want[59-i])
			}
		}
	}
	// The operator pages the same thread.
	var od detailView
	e.Call(t, "GET", "/operator/cases/"+d.CaseID+"?limit=50", op, nil).Expect(t, 200).Decode(t, &od)
	var older msgList
	e.Call(t, "GET", "/operator/cases/"+d.CaseID+"/messages?limit=50&cursor="+*od.NextCursor, op, nil).Expect(t, 200).Decode(t, &older)
	if len(od.Messages) != 50 || len(older.Items) != 10 || older.NextCursor != nil || older.Items[9].MessageID != want[0] {
		t.Fatalf("operator pages: %d + %d", len(od.Messages), len(older.Items))
	}
	// A cursor of another case, or made up, is refused.
	other := openCase(t, e, p, "Inna")
	res := e.Call(t, "GET", p.path("/"+other.CaseID+"/messages?cursor="+*od.NextCursor), p.token, nil).Expect(t, 400)
	if pr := res.Problem(t); pr.Code != "invalid_cursor" {
		t.Fatalf("code %s", pr.Code)
	}
	e.Call(t, "GET", p.path("/"+d.CaseID+"/messages?cursor=bm9wZQ"), p.token, nil).Expect(t, 400)
}

// R9.1, R9.5: a head's list merges 30 own cases and 30 broadcasts, written
// alternately, into one order: every page at most the limit, every case
// exactly once, newest first (or oldest first), with filters by status, type
// and unread.
func TestListMergesBroadcasts(t *testing.T) {
	e := testenv.Get(t)
	op := operator(t, e)
	p := newPerson(t, e)
	var want []string // oldest first
	kinds := map[string]bool{}
	for i := range 30 {
		c := openCase(t, e, p, "Sprawa "+itoa(i))
		b := broadcast(t, e, op, "Komunikat "+itoa(i))
		want = append(want, c.CaseID, b.CaseID)
		kinds[c.CaseID], kinds[b.CaseID] = false, true
	}
	for _, limit := range []int{1, 7, 20, 100} {
		for _, sort := range []string{"date_desc", "date_asc"} {
			got := listAll(t, e, p.token, p.path("?sort="+sort), limit)
			if len(got) != 60 {
				t.Fatalf("limit %d %s: %d cases, want 60", limit, sort, len(got))
			}
			for i, c := range got {
				w := want[59-i]
				if sort == "date_asc" {
					w = want[i]
				}
				if c.CaseID != w || c.Broadcast != kinds[w] {
					t.Fatalf("limit %d %s: #%d is %s (broadcast %v), want %s", limit, sort, i, c.CaseID, c.Broadcast, w)
				}
			}
		}
	}
	res := e.Call(t, "GET", p.path("?limit=20"), p.token, nil).Expect(t, 200)
	if res.Calls > 3 {
		t.Errorf("list: %d DynamoDB operations (the account, then the two Queries at once)", res.Calls)
	}
	// Filters: the type of broadcasts, unread (every broadcast is unread and
	// no own case is), status.
	if got := listAll(t, e, p.token, p.path("?typeId=announcement"), 7); len(got) != 30 || !got[0].Broadcast {
		t.Fatalf("by type: %d", len(got))
	}
	if got := listAll(t, e, p.token, p.path("?typeId=general"), 5); len(got) != 30 || got[0].Broadcast {
		t.Fatalf("own type: %d", len(got))
	}
	if got := listAll(t, e, p.token, p.path("?unread=true"), 9); len(got) != 30 || !allBroadcasts(got) {
		t.Fatalf("unread: %d", len(got))
	}
	if got := listAll(t, e, p.token, p.path("?unread=false"), 9); len(got) != 30 || anyBroadcast(got) {
		t.Fatalf("read: %d", len(got))
	}
	if got := listAll(t, e, p.token, p.path("?status=closed"), 9); len(got) != 0 {
		t.Fatalf("closed: %d", len(got))
	}
	// A bad filter or cursor is refused.
	for _, q := range []string{"?status=draft", "?unread=yes", "?sort=size", "?limit=0", "?typeId=" + strings.Repeat("A", 70)} {
		if pr := e.Call(t, "GET", p.path(q), p.token, nil).Expect(t, 422).Problem(t); pr.Code != "validation_failed" {
			t.Fatalf("%s: %s", q, pr.Code)
		}
	}
	if pr := e.Call(t, "GET", p.path("?cursor=eyJQSyI6IlgiLCJTSyI6IlkifQ"), p.token, nil).Expect(t, 400).Problem(t); pr.Code != "invalid_cursor" {
		t.Fatalf("cursor: %s", pr.Code)
	}
}

func allBroadcasts(cs []caseView) bool {
	for _, c := range cs {
		if !c.Broadcast {
			return false
		}
	}
	return true
}

func anyBroadcast(cs []caseView) bool {
	for _, c := range cs {
		if c.Broadcast {
			return true
		}
	}
	return false
}

// R9.4, R9.5: a broadcast is stored once and reaches every head; its read
// mark is each resident's own; the badge never counts broadcasts; a resident
// who registers later does not receive it; nobody answers it.
func TestBroadcastReadMarks(t *testing.T) {
	e := testenv.Get(t)
	op := operator(t, e)
	a, b := newPerson(t, e), newPerson(t, e)
	bc := broadcast(t, e, op, "Nowe zniżki")
	if !bc.Broadcast || bc.ProfileID != nil {
		t.Fatalf("broadcast %+v", bc)
	}
	late := newPerson(t, e)
	for _, p := range []person{a, b} {
		l := listAll(t, e, p.token, p.path(""), 20)
		if len(l) != 1 || l[0].CaseID != bc.CaseID || !l[0].Unread || !l[0].Broadcast {
			t.Fatalf("list of %s: %+v", p.email, l)
		}
		if n := unread(t, e, p); n != 0 {
			t.Fatalf("badge %d counts a broadcast", n)
		}
	}
	if l := listAll(t, e, late.token, late.path(""), 20); len(l) != 0 {
		t.Fatalf("a later resident got an earlier broadcast: %+v", l)
	}
	e.Call(t, "GET", late.path("/"+bc.CaseID), late.token, nil).Expect(t, 404)

	// A reads it: A's is read, B's still unread; reading again changes nothing.
	var d detailView
	e.Call(t, "GET", a.path("/"+bc.CaseID), a.token, nil).Expect(t, 200).Decode(t, &d)
	if d.Unread || len(d.Messages) != 1 || d.Messages[0].From != "city" {
		t.Fatalf("read %+v", d)
	}
	e.Call(t, "GET", a.path("/"+bc.CaseID), a.token, nil).Expect(t, 200)
	if l := listAll(t, e, a.token, a.path(""), 20); l[0].Unread {
		t.Fatal("A's broadcast still unread")
	}
	if l := listAll(t, e, b.token, b.path(""), 20); !l[0].Unread {
		t.Fatal("B's broadcast read by A's reading")
	}
	if l := listAll(t, e, a.token, a.path("?unread=true"), 20); len(l) != 0 {
		t.Fatalf("A unread: %+v", l)
	}
	if l := listAll(t, e, b.token, b.path("?unread=true"), 20); len(l) != 1 {
		t.Fatalf("B unread: %+v", l)
	}
	// No answers to a broadcast, from anyone; no mail for it.
	if pr := e.Call(t, "POST", a.path("/"+bc.CaseID+"/messages"), a.token, map[string]any{"body": "?"}).Expect(t, 409).Problem(t); pr.Code != "reply_not_allowed" {
		t.Fatalf("code %s", pr.Code)
	}
	if pr := e.Call(t, "POST", "/operator/cases/"+bc.CaseID+"/messages", op, map[string]any{"body": "?"}).Expect(t, 409).Problem(t); pr.Code != "reply_not_allowed" {
		t.Fatalf("code %s", pr.Code)
	}
	for _, p := range []person{a, b} {
		if m := outboxOf(t, e, p.account); len(m) != 0 {
			t.Fatalf("a broadcast mailed %s: %+v", p.email, m)
		}
	}
	// Operators find it among the broadcasts (newest first), not in the inbox.
	var sent caseList
	e.Call(t, "GET", "/operator/cases?broadcast=true&limit=1", op, nil).Expect(t, 200).Decode(t, &sent)
	if len(sent.Items) != 1 || sent.Items[0].CaseID != bc.CaseID || !sent.Items[0].Broadcast || sent.NextCursor == nil {
		t.Fatalf("broadcasts %+v", sent)
	}
	var next caseList
	e.Call(t, "GET", "/operator/cases?broadcast=true&limit=1&cursor="+*sent.NextCursor, op, nil).Expect(t, 200).Decode(t, &next)
	if len(next.Items) == 1 && next.Items[0].CaseID == bc.CaseID {
		t.Fatal("the next page repeats the broadcast")
	}
	var inbox caseList
	e.Call(t, "GET", "/operator/cases?limit=100", op, nil).Expect(t, 200).Decode(t, &inbox)
	if hasCase(inbox.Items, bc.CaseID) {
		t.Fatal("a broadcast is in the inbox")
	}
	for _, q := range []string{"?broadcast=true&waiting=city", "?broadcast=yes"} {
		if pr := e.Call(t, "GET", "/operator/cases"+q, op, nil).Expect(t, 422).Problem(t); pr.Code != "validation_failed" {
			t.Fatalf("%s: %s", q, pr.Code)
		}
	}
	// Closed, it is listed as closed to the residents who had it.
	e.Call(t, "POST", "/operator/cases/"+bc.CaseID+"/close", op, nil).Expect(t, 200)
	if l := listAll(t, e, b.token, b.path("?status=closed"), 20); len(l) != 1 || l[0].CaseID != bc.CaseID {
		t.Fatalf("closed broadcast: %+v", l)
	}
}
