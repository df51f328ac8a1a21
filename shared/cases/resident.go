package cases

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

var errCursor = apierr.New(httpapi.InvalidCursor, "The cursor is not one this list gave out.")

// List serves GET /profiles/{profileId}/cases (R9.1, R9.4): the profile's own
// cases and, on a head's own profile, the broadcasts, as one list newest first
// (sort=date_asc: oldest first), filtered by status, type and unread, paged.
// Two Queries run at once, each reading at most a page: the profile's range
// of entries (with its read marks) and the broadcasts since the head's account
// was made; merge places them.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		profileID, own, err := reach(r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		pk := store.ProfilePK(profileID)
		page, err := httpapi.PageOf(r, "PK", pk, false)
		if err != nil {
			return nil, err
		}
		f, err := listFilterOf(r.Query)
		if err != nil {
			return nil, err
		}
		cursor := ""
		if page.Start != nil {
			if cursor = posOf(cursorSK(page.Start)); !store.IsID(cursor) || cursorSK(page.Start) != store.CaseSKPrefix+cursor {
				return nil, errCursor
			}
		}
		desc := !page.Ascending
		ownQ := listQuery{pk: pk, forward: !desc, limit: page.Limit + 1, status: f.status, typeID: f.typeID, unread: f.unread, marks: own}
		ownQ.lo, ownQ.hi = span(cursor, "", desc)
		bcQ := listQuery{pk: store.BroadcastPK, forward: !desc, limit: page.Limit + 1, status: f.status, typeID: f.typeID}
		bcQ.lo, bcQ.hi = span(cursor, since(r.Account), desc)

		var mine, casts listed
		var errs [3]error
		var wg sync.WaitGroup
		if !own {
			// A member's profile is proven to be the household's; its own
			// cases are read meanwhile and shown only if it is.
			wg.Go(func() { _, errs[0] = profile.Resolve(ctx, table(d), r.Account, profileID) })
		}
		wg.Go(func() { mine, errs[1] = queryList(ctx, d, ownQ) })
		if own {
			wg.Go(func() { casts, errs[2] = queryList(ctx, d, bcQ) })
		}
		wg.Wait()
		if err := errors.Join(errs[:]...); err != nil {
			if errs[0] != nil {
				return nil, errs[0]
			}
			return nil, err
		}
		read := map[string]bool{}
		for _, m := range mine.marks {
			read[posOf(m.SK)] = true
		}
		entries, next := merge(source{entries: without(mine.entries, cursor), last: posOf(mine.last)},
			source{entries: without(casts.entries, cursor), last: posOf(casts.last)}, read, desc, int(page.Limit), f.unread)
		items := make([]View, 0, len(entries))
		for i := range entries {
			items = append(items, entryView(&entries[i]))
		}
		out := httpapi.List[View]{Items: items}
		if next != "" {
			out.NextCursor = cursorAt(pk, store.CaseSKPrefix+next)
		}
		return httpapi.JSON(http.StatusOK, out), nil
	}
}

// without leaves out the entry at the cursor's position (placed on the page before).
func without(es []Entry, pos string) []Entry {
	if pos == "" {
		return es
	}
	out := es[:0:0]
	for _, e := range es {
		if posOf(e.SK) != pos {
			out = append(out, e)
		}
	}
	return out
}

// Count is the unread badge.
type Count struct {
	Count int `json:"count"`
}

// UnreadCount serves GET /profiles/{profileId}/cases/unread-count (R9.4): the
// badge counts the profile's own cases with unread city messages; broadcasts
// never count.
func UnreadCount(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		profileID, own, err := reach(r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		if !own {
			if _, err := profile.Resolve(ctx, table(d), r.Account, profileID); err != nil {
				return nil, err
			}
		}
		n, err := countUnread(ctx, d, profileID)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(http.StatusOK, Count{n}), nil
	}
}

// residentFacts reads, in one batch, what a resident's change is decided on:
// the given keys, the named uploads of the profile and, on a member's
// profile, the member's profile (proving it is the household's).
func residentFacts(ctx context.Context, d *platform.Deps, acc *account.Account, profileID string, proveMember bool, ids []string, keys ...store.Key) (factSet, map[store.Key]*upload.Upload, error) {
	for _, id := range ids {
		keys = append(keys, store.UploadKey(profileID, id))
	}
	memberKey := store.ProfileKey(acc.HouseholdID, profileID)
	if proveMember {
		keys = append(keys, memberKey)
	}
	items, err := facts(ctx, d, keys)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := items[memberKey]; proveMember && !ok {
		return nil, nil, errProfile
	}
	uploads := map[store.Key]*upload.Upload{}
	for _, id := range ids {
		k := store.UploadKey(profileID, id)
		var u upload.Upload
		if ok, err := as(items, k, &u); err != nil {
			return nil, nil, err
		} else if ok {
			uploads[k] = &u
		}
	}
	return items, uploads, nil
}

// attachments checks the named uploads (R14.4: purpose attachment, the stored
// object as declared), all at once, and answers the first failure in the
// body's order.
func attachments(ctx context.Context, d *platform.Deps, profileID string, ids []string, uploads map[store.Key]*upload.Upload) ([]*upload.Upload, error) {
	out := make([]*upload.Upload, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		field := "attachmentUploadIds[" + itoa(i) + "]"
		u, ok := uploads[store.UploadKey(profileID, id)]
		if !ok {
			errs[i] = upload.NotFound(field)
			continue
		}
		wg.Go(func() { out[i], errs[i] = upload.Check(ctx, d, u, field, upload.Attachment) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// attach claims verified uploads for a message in tx: marked verified and
// kept beyond the pending uploads' expiry (copied once tx commits).
func attach(tx *store.Tx, m *Message, ups []*upload.Upload) {
	for _, u := range ups {
		upload.KeepAfter(tx, m.CreatedAt, u)
		m.Attachments = append(m.Attachments, Attachment{UploadID: u.UploadID, ContentType: u.ContentType, Size: u.Size, ObjectKey: u.ObjectKey})
	}
}

// Create serves POST /profiles/{profileId}/cases (R9.2): a new case of a type
// residents may open, with its first message and attachments. Its type, the
// uploads and (for a member's profile) the profile are one read; the case,
// its entry, its message and the uploads' claims one transaction.
func Create(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *createBody) (*httpapi.Response, error) {
		profileID, own, err := reach(r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		tk := typeKey(b.TypeID)
		items, uploads, err := residentFacts(ctx, d, r.Account, profileID, !own, b.AttachmentUploadIDs, tk)
		if err != nil {
			return nil, err
		}
		t, err := readType(items, tk)
		if err != nil {
			return nil, err
		}
		if !t.ResidentCanOpen {
			return nil, typeInvalid("resident_cannot_open")
		}
		ups, err := attachments(ctx, d, profileID, b.AttachmentUploadIDs, uploads)
		if err != nil {
			return nil, err
		}
		now := d.Now().UTC()
		id := ulid.Make().String()
		rf := ref{id: profileID + "." + id, ownerPK: store.ProfilePK(profileID), ulid: id, profileID: profileID}
		c := &Case{Key: rf.caseKey(), CaseID: rf.id, ProfileID: profileID, HouseholdID: r.Account.HouseholdID,
			AccountID: r.Account.AccountID, TypeID: t.ID, TypeName: t.Name, ReplyAllowed: t.ReplyAllowed,
			Subject: b.Subject, Status: StatusOpen, Waiting: FromCity, CreatedAt: now, LastMessageAt: now,
			Messages: 1, Version: 1}
		m := newMessage(rf, c, FromResident, b.Body, now)
		tx := &store.Tx{}
		attach(tx, m, ups)
		create(tx, c, rf, m)
		det, err := detail(ctx, d, c, []Message{*m}, nil)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(http.StatusCreated, det).With(tx), nil
	})
}

// readType is a case type from the facts: 422 when there is no such type or
// it was retired.
func readType(items factSet, k store.Key) (caseType, error) {
	var e dictionary.Entry
	ok, err := as(items, k, &e)
	if err != nil {
		return caseType{}, err
	}
	t, active := typeOf(&e)
	if !ok || !active {
		return caseType{}, typeInvalid("unknown")
	}
	return t, nil
}

func newMessage(r ref, c *Case, from, body string, now time.Time) *Message {
	id := ulid.Make().String()
	return &Message{Key: store.MessageKey(r.ownerPK, r.ulid, id), MessageID: id, CaseID: c.CaseID,
		HouseholdID: c.HouseholdID, From: from, Body: body, CreatedAt: now}
}

// residentRef is the case a resident's path names, checked before any read:
// another profile's case, or a broadcast the head does not see, is 404.
func residentRef(acc *account.Account, params map[string]string) (profileID string, own bool, rf ref, err error) {
	profileID, own, err = reach(acc, params["profileId"])
	if err != nil {
		return "", false, ref{}, err
	}
	rf, ok := parseID(params["caseId"])
	switch {
	case !ok:
		return "", false, ref{}, errNotFound
	case rf.broadcast && !sees(acc, profileID, own, rf, ""):
		return "", false, ref{}, errNotFound
	case !rf.broadcast && rf.profileID != profileID:
		return "", false, ref{}, errNotFound
	}
	return profileID, own, rf, nil
}

// threadPageOf reads a message page's ?limit= and ?cursor= (messages come
// newest first; there is no other order).
func threadPageOf(r *httpapi.Request, rf ref) (limit int, before string, err error) {
	if r.Query["sort"] != "" {
		return 0, "", apierr.Invalid(apierr.FieldError{Field: "sort", Code: "invalid"})
	}
	page, err := httpapi.PageOf(r, "PK", rf.ownerPK, false)
	if err != nil {
		return 0, "", err
	}
	if page.Start != nil {
		if before = cursorSK(page.Start); !isMessageKey(rf, before) {
			return 0, "", errCursor
		}
	}
	return int(page.Limit), before, nil
}

// Get serves GET /profiles/{profileId}/cases/{caseId} (R9.3): the case with
// its newest messages (?limit=, 20 by default) and a cursor to older ones.
// Reading marks it read: an individual case's unread flag goes (unless a city
// message came meanwhile), a broadcast gets the profile's read mark.
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		profileID, own, rf, err := residentRef(r.Account, r.Params)
		if err != nil {
			return nil, err
		}
		limit, _, err := threadPageOf(r, rf)
		if err != nil {
			return nil, err
		}
		c, msgs, more, err := thread(ctx, d, rf, limit)
		if err != nil {
			return nil, err
		}
		if c == nil || !sees(r.Account, profileID, own, rf, c.HouseholdID) {
			return nil, errNotFound
		}
		wasUnread := c.Unread
		c.Unread = false
		det, err := detail(ctx, d, c, msgs, olderCursor(rf, msgs, more))
		if err != nil {
			return nil, err
		}
		resp := httpapi.JSON(http.StatusOK, det)
		// A mark that is there already, or a case that changed since it was
		// read, answers the same: the case as it was read.
		tx := &store.Tx{}
		switch {
		case rf.broadcast:
			markBroadcastRead(tx, &ReadMark{Key: store.BroadcastReadKey(profileID, rf.ulid), Kind: kindRead, CaseID: c.CaseID,
				ReadAt: d.Now().UTC()}, httpapi.Instead(resp))
		case wasUnread:
			markRead(tx, c, rf, httpapi.Instead(resp))
		}
		return resp.With(tx), nil
	}
}

// Messages serves GET /profiles/{profileId}/cases/{caseId}/messages (R9.3,
// "show more"): older messages from ?cursor= (without one, the newest page).
func Messages(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		profileID, own, rf, err := residentRef(r.Account, r.Params)
		if err != nil {
			return nil, err
		}
		limit, before, err := threadPageOf(r, rf)
		if err != nil {
			return nil, err
		}
		msgs, more, err := messagesOf(ctx, d, rf, limit, before, func(household string) bool {
			return sees(r.Account, profileID, own, rf, household)
		})
		if err != nil {
			return nil, err
		}
		return messagesAnswer(ctx, d, rf, msgs, more)
	}
}

// messagesOf reads a page of a case's messages for a reader allowed by ok
// (given the case's household): from the newest without a cursor, else before
// it. 404 when the case is not there or not the reader's.
func messagesOf(ctx context.Context, d *platform.Deps, rf ref, limit int, before string, ok func(household string) bool) ([]Message, bool, error) {
	if before == "" {
		c, msgs, more, err := thread(ctx, d, rf, limit)
		if err != nil {
			return nil, false, err
		}
		if c == nil || !ok(c.HouseholdID) {
			return nil, false, errNotFound
		}
		return msgs, more, nil
	}
	msgs, more, household, found, err := olderMessages(ctx, d, rf, before, limit)
	if err != nil {
		return nil, false, err
	}
	// A cursor is given out only while older messages exist, so a real one
	// always finds its own message at least.
	if !found || !ok(household) {
		return nil, false, errNotFound
	}
	return msgs, more, nil
}

func messagesAnswer(ctx context.Context, d *platform.Deps, rf ref, msgs []Message, more bool) (*httpapi.Response, error) {
	mv, err := messageViews(ctx, d, msgs)
	if err != nil {
		return nil, err
	}
	return httpapi.JSON(http.StatusOK, MessagePage{Items: mv, NextCursor: olderCursor(rf, msgs, more)}), nil
}

// Reply serves POST /profiles/{profileId}/cases/{caseId}/messages (R9.3): a
// message with attachments in an open case whose type takes replies; a
// broadcast takes none. The case and the uploads are one read.
func Reply(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *replyBody) (*httpapi.Response, error) {
		profileID, own, rf, err := residentRef(r.Account, r.Params)
		if err != nil {
			return nil, err
		}
		// The case names its household: no member's profile to prove.
		items, uploads, err := residentFacts(ctx, d, r.Account, profileID, false, b.AttachmentUploadIDs, rf.caseKey())
		if err != nil {
			return nil, err
		}
		var c Case
		found, err := as(items, rf.caseKey(), &c)
		if err != nil {
			return nil, err
		}
		if !found || !sees(r.Account, profileID, own, rf, c.HouseholdID) {
			return nil, errNotFound
		}
		if err := replyRule(&c, FromResident); err != nil {
			return nil, err
		}
		ups, err := attachments(ctx, d, profileID, b.AttachmentUploadIDs, uploads)
		if err != nil {
			return nil, err
		}
		now := d.Now().UTC()
		m := newMessage(rf, &c, FromResident, b.Body, now)
		// Writing is reading: the resident has seen the case.
		c.LastMessageAt, c.Waiting, c.Unread = now, FromCity, false
		tx := &store.Tx{}
		attach(tx, m, ups)
		addMessage(tx, &c, rf, m)
		mv, err := messageViews(ctx, d, []Message{*m})
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(http.StatusCreated, mv[0]).With(tx), nil
	})
}
