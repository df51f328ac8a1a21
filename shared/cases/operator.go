package cases

import (
	"context"
	"errors"
	"net/http"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Inbox serves GET /operator/cases (R11.4): open cases, those waiting for the
// city first and the longest waiting first (?waiting=city|resident for one
// kind), or closed ones (?status=closed), newest first; ?typeId= filters.
// One Query of the inbox index. ?broadcast=true lists the broadcasts instead.
func Inbox(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		q, bcast, err := inboxQueryOf(r.Query)
		if err != nil {
			return nil, err
		}
		if bcast {
			return broadcasts(ctx, d, r, q)
		}
		page, err := httpapi.PageOf(r, "GSI1PK", store.CaseQueuePK(q.status), q.status == StatusOpen)
		if err != nil {
			return nil, err
		}
		// A cursor must be a whole position of this very query: DynamoDB
		// refuses (as an error) a start outside the key condition.
		if page.Start != nil && !inboxCursorOK(page.Start, q.waiting) {
			return nil, errCursor
		}
		q.page = store.QueryInput{Limit: page.Limit, Forward: page.Ascending, StartKey: page.Start}
		cs, next, err := queryInbox(ctx, d, q)
		if err != nil {
			return nil, err
		}
		items := make([]OperatorView, 0, len(cs))
		for i := range cs {
			items = append(items, operatorView(&cs[i]))
		}
		return httpapi.JSON(http.StatusOK, httpapi.List[OperatorView]{Items: items, NextCursor: store.EncodeCursor(next)}), nil
	}
}

// inboxQueryOf reads the inbox's filters. Individual cases are open by
// default; broadcasts (?broadcast=true) of any status unless one is asked
// for, and never waiting.
func inboxQueryOf(query map[string]string) (inboxQuery, bool, error) {
	q := inboxQuery{status: query["status"], waiting: query["waiting"], typeID: query["typeId"]}
	var bad []apierr.FieldError
	bcast := false
	switch query["broadcast"] {
	case "", "false":
	case "true":
		bcast = true
	default:
		bad = append(bad, apierr.FieldError{Field: "broadcast", Code: "invalid"})
	}
	switch q.status {
	case "":
		if !bcast {
			q.status = StatusOpen
		}
	case StatusOpen, StatusClosed:
	default:
		bad = append(bad, apierr.FieldError{Field: "status", Code: "invalid"})
	}
	switch q.waiting {
	case "":
	case FromCity, FromResident:
		if bcast {
			bad = append(bad, apierr.FieldError{Field: "waiting", Code: "not_individual"})
		} else if q.status == StatusClosed {
			bad = append(bad, apierr.FieldError{Field: "waiting", Code: "not_open"})
		}
	default:
		bad = append(bad, apierr.FieldError{Field: "waiting", Code: "invalid"})
	}
	if q.typeID != "" && !isTypeID(q.typeID) {
		bad = append(bad, apierr.FieldError{Field: "typeId", Code: "invalid"})
	}
	if len(bad) > 0 {
		return q, false, apierr.Invalid(bad...)
	}
	return q, bcast, nil
}

// broadcasts answers the city's broadcasts, newest first (one Query of the
// broadcast partition's list entries).
func broadcasts(ctx context.Context, d *platform.Deps, r *httpapi.Request, q inboxQuery) (*httpapi.Response, error) {
	page, err := httpapi.PageOf(r, "PK", store.BroadcastPK, false)
	if err != nil {
		return nil, err
	}
	cursor := ""
	if page.Start != nil {
		if cursor = posOf(cursorSK(page.Start)); !store.IsID(cursor) || cursorSK(page.Start) != store.CaseSKPrefix+cursor {
			return nil, errCursor
		}
	}
	lq := listQuery{pk: store.BroadcastPK, forward: page.Ascending, limit: page.Limit + 1, status: q.status, typeID: q.typeID}
	lq.lo, lq.hi = span(cursor, "", !page.Ascending)
	res, err := queryList(ctx, d, lq)
	if err != nil {
		return nil, err
	}
	es := without(res.entries, cursor)
	next := posOf(res.last)
	if len(es) > int(page.Limit) {
		es, next = es[:page.Limit], posOf(es[page.Limit-1].SK)
	}
	items := make([]OperatorView, 0, len(es))
	for i := range es {
		items = append(items, OperatorView{View: entryView(&es[i])})
	}
	out := httpapi.List[OperatorView]{Items: items}
	if next != "" {
		out.NextCursor = cursorAt(store.BroadcastPK, store.CaseSKPrefix+next)
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// getCase reads a case by its id alone (operator routes): the id names its
// partition.
func getCase(ctx context.Context, d *platform.Deps, id string) (ref, *Case, error) {
	rf, ok := parseID(id)
	if !ok {
		return ref{}, nil, errNotFound
	}
	var c Case
	err := table(d).Get(ctx, rf.caseKey(), &c)
	if errors.Is(err, store.ErrNotFound) {
		return ref{}, nil, errNotFound
	}
	if err != nil {
		return ref{}, nil, err
	}
	return rf, &c, nil
}

// notice mails the resident that the city wrote, with a link to the portal
// and without the message (R14.1): the mail goes to the household head's
// account, its address read when it is sent.
func notice(tx *store.Tx, d *platform.Deps, c *Case, m *Message) {
	outbox.EnqueueToAccount(tx, m.CreatedAt, "case-msg#"+m.MessageID, outbox.CaseMessage, c.AccountID,
		map[string]string{"typeName": c.TypeName, "link": d.Config.PortalURL + "/cases/" + c.CaseID}, nil)
}

var errNoResident = apierr.Invalid(apierr.FieldError{Field: "profileId", Code: "not_found"})

// OperatorCreate serves POST /operator/cases (R9.5, R11.4): a city case to
// one resident (a household head's profile; mailed a notice) or, with
// broadcast, to every resident: stored once, no mail. The type and the
// resident's profile are one read.
func OperatorCreate(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *operatorCreateBody) (*httpapi.Response, error) {
		tk := typeKey(b.TypeID)
		keys := []store.Key{tk}
		var pk store.Key
		if b.ProfileID != nil {
			// A head's profile id is its household's id: its key is known.
			pk = store.ProfileKey(*b.ProfileID, *b.ProfileID)
			keys = append(keys, pk)
		}
		items, err := facts(ctx, d, keys)
		if err != nil {
			return nil, err
		}
		t, err := readType(items, tk)
		if err != nil {
			return nil, err
		}
		now := d.Now().UTC()
		id := ulid.Make().String()
		c := &Case{TypeID: t.ID, TypeName: t.Name, Subject: b.Subject, Status: StatusOpen, CreatedAt: now,
			LastMessageAt: now, Messages: 1, Version: 1}
		var rf ref
		if b.ProfileID == nil {
			rf = ref{id: id, ownerPK: store.BroadcastPK, ulid: id, broadcast: true}
			c.Broadcast = true
		} else {
			var p profile.Profile
			found, err := as(items, pk, &p)
			if err != nil {
				return nil, err
			}
			if !found || !p.Head {
				return nil, errNoResident
			}
			rf = ref{id: p.ProfileID + "." + id, ownerPK: store.ProfilePK(p.ProfileID), ulid: id, profileID: p.ProfileID}
			c.ProfileID, c.HouseholdID, c.AccountID = p.ProfileID, p.HouseholdID, p.AccountID
			c.ReplyAllowed, c.Waiting, c.Unread = t.ReplyAllowed, FromResident, true
		}
		c.Key, c.CaseID = rf.caseKey(), rf.id
		m := newMessage(rf, c, FromCity, b.Body, now)
		tx := &store.Tx{}
		create(tx, c, rf, m)
		if !c.Broadcast {
			notice(tx, d, c, m)
		}
		action := "case.create"
		if c.Broadcast {
			action = "case.broadcast"
		}
		audit.Record(tx, r.Account, now, action, c.ProfileID, c.CaseID, nil)
		det, err := operatorDetail(ctx, d, c, []Message{*m}, nil)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(http.StatusCreated, det).With(tx), nil
	})
}

// OperatorGet serves GET /operator/cases/{caseId}: the case with its newest
// messages and links to their attachments. One Query.
func OperatorGet(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		rf, ok := parseID(r.Params["caseId"])
		if !ok {
			return nil, errNotFound
		}
		limit, _, err := threadPageOf(r, rf)
		if err != nil {
			return nil, err
		}
		c, msgs, more, err := thread(ctx, d, rf, limit)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, errNotFound
		}
		det, err := operatorDetail(ctx, d, c, msgs, olderCursor(rf, msgs, more))
		if err != nil {
			return nil, err
		}
		if rf.profileID != "" {
			audit.Viewed(ctx, store.Of(d), d.Log, r.Account, "case.view", rf.profileID, rf.id)
		}
		return httpapi.JSON(http.StatusOK, det), nil
	}
}

// OperatorMessages serves GET /operator/cases/{caseId}/messages: older
// messages from ?cursor=.
func OperatorMessages(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		rf, ok := parseID(r.Params["caseId"])
		if !ok {
			return nil, errNotFound
		}
		limit, before, err := threadPageOf(r, rf)
		if err != nil {
			return nil, err
		}
		msgs, more, err := messagesOf(ctx, d, rf, limit, before, func(string) bool { return true })
		if err != nil {
			return nil, err
		}
		if rf.profileID != "" && len(msgs) > 0 {
			audit.Viewed(ctx, store.Of(d), d.Log, r.Account, "case.view", rf.profileID, rf.id)
		}
		return messagesAnswer(ctx, d, rf, msgs, more)
	}
}

// OperatorReply serves POST /operator/cases/{caseId}/messages (R9.5): a city
// message in an open individual case; the resident is mailed a notice.
func OperatorReply(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *operatorReplyBody) (*httpapi.Response, error) {
		rf, c, err := getCase(ctx, d, r.Params["caseId"])
		if err != nil {
			return nil, err
		}
		if err := replyRule(c, FromCity); err != nil {
			return nil, err
		}
		now := d.Now().UTC()
		m := newMessage(rf, c, FromCity, b.Body, now)
		c.LastMessageAt, c.Waiting, c.Unread = now, FromResident, true
		tx := &store.Tx{}
		addMessage(tx, c, rf, m)
		notice(tx, d, c, m)
		audit.Record(tx, r.Account, now, "case.message", c.ProfileID, c.CaseID, nil)
		mv, err := messageViews(ctx, d, []Message{*m})
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(http.StatusCreated, mv[0]).With(tx), nil
	})
}

// Close serves POST /operator/cases/{caseId}/close: an open case is closed
// (no more messages; it leaves the open inbox).
func Close(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		rf, c, err := getCase(ctx, d, r.Params["caseId"])
		if err != nil {
			return nil, err
		}
		if c.Status == StatusClosed {
			return nil, apierr.New(CaseClosed, "The case is closed already.")
		}
		now := d.Now().UTC()
		c.Status, c.ClosedAt, c.Waiting = StatusClosed, &now, ""
		tx := &store.Tx{}
		closeCase(tx, c, rf)
		audit.Record(tx, r.Account, now, "case.close", c.ProfileID, c.CaseID, nil)
		return httpapi.JSON(http.StatusOK, operatorView(c)).With(tx), nil
	}
}
