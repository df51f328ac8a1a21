package application

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// Queue serves GET /operator/applications (R11.1): a status's applications,
// oldest first, from the queue index (never a scan), optionally of one type.
func Queue(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		status := r.Query["status"]
		if status == "" {
			status = Submitted
		}
		if status != Submitted && status != InReview {
			return nil, apierr.Invalid(apierr.FieldError{Field: "status", Code: "not_queued"})
		}
		pk := store.ReviewQueuePK(status)
		page, err := httpapi.PageOf(r, "GSI1PK", pk, true)
		if err != nil {
			return nil, err
		}
		filter, err := filters(r, "")
		if err != nil {
			return nil, err
		}
		return listPage(ctx, d, store.QueryInput{
			Index:   store.GSI1,
			KeyCond: expression.Key("GSI1PK").Equal(expression.Value(pk)),
			Filter:  filter, Limit: page.Limit, Forward: page.Ascending, StartKey: page.Start,
		})
	}
}

// byID loads an application by its id alone (operator routes): the id names
// its owner, so this is one read.
func byID(ctx context.Context, d *platform.Deps, id string) (*Application, error) {
	owner, ok := store.OwnerOf(id)
	if !ok {
		return nil, errNotFound
	}
	var a Application
	if err := store.Of(d).Get(ctx, store.ApplicationKey(owner, id), &a); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errNotFound
		}
		return nil, err
	}
	return &a, nil
}

// profileOf loads an application's profile.
func profileOf(ctx context.Context, d *platform.Deps, a *Application) (*profile.Profile, error) {
	var p profile.Profile
	if err := store.Of(d).Get(ctx, store.ProfileKey(a.HouseholdID, a.ProfileID), &p); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errNotFound // the profile was removed
		}
		return nil, err
	}
	return &p, nil
}

type file struct {
	UploadID    string    `json:"uploadId"`
	Purpose     string    `json:"purpose"`
	ContentType string    `json:"contentType"`
	Size        int64     `json:"size"`
	URL         string    `json:"url"`
	ExpiresAt   time.Time `json:"expiresAt"`
}

type reviewView struct {
	View
	Resident profile.View `json:"resident"`
	Files    []file       `json:"files"`
}

// uploadIDs finds the upload ids in a form (fields named …UploadId(s)).
func uploadIDs(data string) []string {
	var m map[string]json.RawMessage
	_ = json.Unmarshal([]byte(data), &m)
	var ids []string
	for k, v := range m {
		switch {
		case strings.HasSuffix(k, "UploadId"):
			var s string
			if json.Unmarshal(v, &s) == nil && s != "" {
				ids = append(ids, s)
			}
		case strings.HasSuffix(k, "UploadIds"):
			var ss []string
			if json.Unmarshal(v, &ss) == nil {
				ids = append(ids, ss...)
			}
		}
	}
	return ids
}

// ReviewGet serves GET /operator/applications/{applicationId}: the application
// with the resident's data and presigned links to its files.
func ReviewGet(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		// One Query reads the application with its profile's uploads.
		owner, ok := store.OwnerOf(r.Params["applicationId"])
		if !ok {
			return nil, errNotFound
		}
		s, err := readSubject(ctx, store.Of(d), owner, "", d.Now())
		if err != nil {
			return nil, err
		}
		a := s.app(r.Params["applicationId"])
		if a == nil {
			return nil, errNotFound
		}
		p, err := profileOf(ctx, d, a)
		if err != nil {
			return nil, err
		}
		v := reviewView{View: ToView(a, true), Resident: profile.ToView(p), Files: []file{}}
		seen := map[string]bool{}
		for _, id := range uploadIDs(a.Data) {
			u := s.Uploads[id]
			if u == nil || seen[id] {
				continue // a draft may name a file never sent
			}
			seen[id] = true
			url, exp, err := upload.PresignGet(ctx, d, u)
			if err != nil {
				return nil, err
			}
			v.Files = append(v.Files, file{UploadID: u.UploadID, Purpose: u.Purpose, ContentType: u.ContentType, Size: u.Size, URL: url, ExpiresAt: exp})
		}
		audit.Viewed(ctx, store.Of(d), d.Log, r.Account, "application.view", a.ProfileID, a.ApplicationID)
		return httpapi.JSON(200, v), nil
	}
}

// StartReview serves POST /operator/applications/{applicationId}/review.
func StartReview(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		a, err := byID(ctx, d, r.Params["applicationId"])
		if err != nil {
			return nil, err
		}
		if a.Status != Submitted {
			return nil, apierr.New(StateChanged, "Only a submitted application can be taken into review; this one is %s.", a.Status)
		}
		tx := &store.Tx{}
		move(tx, a, InReview, history.Event{Status: InReview, At: d.Now().UTC(), Actor: "operator"}, nil)
		audit.Record(tx, r.Account, d.Now(), "application.review", a.ProfileID, a.ApplicationID, nil)
		return httpapi.JSON(200, ToView(a, true)).With(tx), nil
	}
}

type decisionBody struct {
	Decision string   `json:"decision"`
	Comment  string   `json:"comment"`
	Fields   []string `json:"fields"`
}

// fieldName: a form's field as a client names it ("firstName",
// "documentUploadIds", "address.street").
var fieldName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.\[\]]{0,59}$`)

func (b *decisionBody) Validate(c *httpapi.Checks) {
	switch b.Decision {
	case "accept":
	case "reject":
		c.Required("comment", b.Comment)
	case "return":
		// R15.7: what to fix, in words and by field.
		c.Required("comment", b.Comment)
		switch {
		case len(b.Fields) == 0:
			c.Fail("fields", "required")
		case len(b.Fields) > 30:
			c.Fail("fields", "too_many")
		}
		seen := map[string]bool{}
		for _, f := range b.Fields {
			if !fieldName.MatchString(f) || seen[f] {
				c.Fail("fields", "invalid")
				break
			}
			seen[f] = true
		}
	default:
		c.Fail("decision", "invalid")
	}
	if b.Decision != "return" && b.Fields != nil {
		c.Fail("fields", "not_allowed")
	}
	// The comment may span lines: it is a paragraph of the rejection mail.
	c.Paragraphs("comment", b.Comment, 2000)
}

// Decide serves POST /operator/applications/{applicationId}/decision (R11.1):
// a rejection records the reason; an acceptance carries the application out in
// the same transaction (a card, a duplicate and the old card blocked, a data
// change). Of two operators deciding at once, one wins; the other gets 409.
// Facts first, as at submit: one Query reads the application with its
// profile's applications, uploads and cards.
func Decide(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *decisionBody) (*httpapi.Response, error) {
		owner, ok := store.OwnerOf(r.Params["applicationId"])
		if !ok {
			return nil, errNotFound
		}
		s, err := readSubject(ctx, store.Of(d), owner, "", d.Now())
		if err != nil {
			return nil, err
		}
		a := s.app(r.Params["applicationId"])
		if a == nil {
			return nil, errNotFound
		}
		s.HouseholdID = a.HouseholdID
		if a.Status != Submitted && a.Status != InReview {
			return nil, apierr.New(StateChanged, "The application is %s: there is nothing to decide.", a.Status)
		}
		k := Kinds[a.Type]
		now := d.Now().UTC()
		if b.Decision == "return" {
			// Back to the resident, open: the type's claim stays held, the
			// queue index goes; the history keeps the step (R15.7).
			corr := &Correction{Comment: b.Comment, Fields: b.Fields}
			tx := &store.Tx{}
			move(tx, a, Returned, history.Event{Status: Returned, At: now, Actor: "operator", Comment: b.Comment, Fields: b.Fields},
				func(u expression.UpdateBuilder) expression.UpdateBuilder {
					return u.Set(expression.Name("correction"), expression.Value(corr))
				})
			a.Correction = corr
			data := mailData(d, a, k, b.Comment)
			data["fields"] = strings.Join(b.Fields, ", ")
			outbox.Enqueue(tx, now, "app-returned#"+a.ApplicationID+"#"+strconv.Itoa(a.Version), outbox.AppReturned, a.NotifyEmail, data, nil)
			audit.Record(tx, r.Account, now, "application.return", a.ProfileID, a.ApplicationID,
				map[string]string{"fields": strings.Join(b.Fields, ",")})
			return httpapi.JSON(200, ToView(a, true)).With(tx), nil
		}
		if b.Decision == "reject" {
			decided := func(u expression.UpdateBuilder) expression.UpdateBuilder {
				return u.Set(expression.Name("decidedAt"), expression.Value(now))
			}
			a.DecidedAt = &now
			tx := &store.Tx{}
			move(tx, a, Rejected, history.Event{Status: Rejected, At: now, Actor: "operator", Comment: b.Comment}, decided)
			scheduleRetention(tx, s, a, now)
			outbox.Enqueue(tx, now, "app-decided#"+a.ApplicationID, outbox.AppRejected, a.NotifyEmail, mailData(d, a, k, b.Comment), nil)
			audit.Record(tx, r.Account, now, "application.reject", a.ProfileID, a.ApplicationID, nil)
			return httpapi.JSON(200, ToView(a, true)).With(tx), nil
		}
		// What was available and complete at submit may not be now (a card
		// blocked since, a file removed): it is checked again.
		_, f, err := ready(ctx, d, s, a)
		if err != nil {
			return nil, err
		}
		return acceptResponse(ctx, d, r, s, a, k, f, b.Comment, now)
	})
}

// acceptResponse builds the acceptance: one update of the application to
// completed (history: accepted, completed), the type's changes, the mail.
func acceptResponse(ctx context.Context, d *platform.Deps, r *httpapi.Request, s *Subject, a *Application, k *Kind, f Form, comment string, now time.Time) (*httpapi.Response, error) {
	var resp *httpapi.Response
	err := card.Commit(ctx, store.Of(d), func() (*store.Tx, error) {
		app := *a
		app.History = append([]history.Event(nil), a.History...)
		tx := &store.Tx{}
		s.Guard(tx)
		accepted := history.Event{Status: Accepted, At: now, Actor: "operator", Comment: comment}
		completed := history.Event{Status: Completed, At: now, Actor: "operator"}
		complete(tx, &app, now, accepted, completed)
		scheduleRetention(tx, s, &app, now)
		if err := k.CarryOut(s, &app, f, tx); err != nil {
			return nil, err
		}
		outbox.Enqueue(tx, now, "app-decided#"+app.ApplicationID, outbox.AppAccepted, app.NotifyEmail, mailData(d, &app, k, comment), nil)
		audit.Record(tx, r.Account, now, "application.accept", app.ProfileID, app.ApplicationID, nil)
		app.Status, app.DecidedAt = Completed, &now
		app.History = append(app.History, accepted, completed)
		resp = httpapi.JSON(200, ToView(&app, true))
		return tx, nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// scheduleRetention adds to a decision the retention index entries of the
// documents its form names (R15.5): the daily job deletes their files the
// configured number of days after this decision.
func scheduleRetention(tx *store.Tx, s *Subject, a *Application, now time.Time) {
	seen := map[string]bool{}
	for _, id := range uploadIDs(a.Data) {
		if u := s.Uploads[id]; u != nil && !seen[id] {
			seen[id] = true
			upload.ScheduleRetention(tx, u, now)
		}
	}
}
