package application

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
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
		a, err := byID(ctx, d, r.Params["applicationId"])
		if err != nil {
			return nil, err
		}
		p, err := profileOf(ctx, d, a)
		if err != nil {
			return nil, err
		}
		v := reviewView{View: ToView(a, true), Resident: profile.ToView(p), Files: []file{}}
		var keys []store.Key
		seen := map[string]bool{}
		for _, id := range uploadIDs(a.Data) {
			if !seen[id] {
				seen[id] = true
				keys = append(keys, store.UploadKey(p.ProfileID, id))
			}
		}
		// One round trip for all files; a draft may name a file never sent.
		var ups []upload.Upload
		if err := store.Of(d).GetMany(ctx, keys, &ups); err != nil {
			return nil, err
		}
		for i := range ups {
			u := &ups[i]
			url, exp, err := upload.PresignGet(ctx, d, u)
			if err != nil {
				return nil, err
			}
			v.Files = append(v.Files, file{UploadID: u.UploadID, Purpose: u.Purpose, ContentType: u.ContentType, Size: u.Size, URL: url, ExpiresAt: exp})
		}
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
		return httpapi.JSON(200, ToView(a, true)).With(tx), nil
	}
}

type decisionBody struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

func (b *decisionBody) Validate(c *httpapi.Checks) {
	switch b.Decision {
	case "accept":
	case "reject":
		c.Required("comment", b.Comment)
	default:
		c.Fail("decision", "invalid")
	}
	// The comment may span lines: it is a paragraph of the rejection mail.
	c.Paragraphs("comment", b.Comment, 2000)
}

// Decide serves POST /operator/applications/{applicationId}/decision (R11.1):
// a rejection records the reason; an acceptance carries the application out in
// the same transaction (a card, a duplicate and the old card blocked, a data
// change). Of two operators deciding at once, one wins; the other gets 409.
func Decide(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *decisionBody) (*httpapi.Response, error) {
		a, err := byID(ctx, d, r.Params["applicationId"])
		if err != nil {
			return nil, err
		}
		if a.Status != Submitted && a.Status != InReview {
			return nil, apierr.New(StateChanged, "The application is %s: there is nothing to decide.", a.Status)
		}
		k := Kinds[a.Type]
		now := d.Now().UTC()
		if b.Decision == "reject" {
			decided := func(u expression.UpdateBuilder) expression.UpdateBuilder {
				return u.Set(expression.Name("decidedAt"), expression.Value(now))
			}
			a.DecidedAt = &now
			tx := &store.Tx{}
			move(tx, a, Rejected, history.Event{Status: Rejected, At: now, Actor: "operator", Comment: b.Comment}, decided)
			outbox.Enqueue(tx, now, "app-decided#"+a.ApplicationID, outbox.AppRejected, a.NotifyEmail, mailData(d, a, k, b.Comment), nil)
			return httpapi.JSON(200, ToView(a, true)).With(tx), nil
		}
		p, err := profileOf(ctx, d, a)
		if err != nil {
			return nil, err
		}
		// What was available and complete at submit may not be now (a card
		// blocked since, a file removed): it is checked again.
		_, s, f, err := ready(ctx, d, p, a)
		if err != nil {
			return nil, err
		}
		return acceptResponse(ctx, d, s, a, k, f, b.Comment, now)
	})
}

// acceptResponse builds the acceptance: one update of the application to
// completed (history: accepted, completed), the type's changes, the mail.
func acceptResponse(ctx context.Context, d *platform.Deps, s *Subject, a *Application, k *Kind, f Form, comment string, now time.Time) (*httpapi.Response, error) {
	var resp *httpapi.Response
	err := card.Commit(ctx, store.Of(d), func() (*store.Tx, error) {
		app := *a
		app.History = append([]history.Event(nil), a.History...)
		tx := &store.Tx{}
		accepted := history.Event{Status: Accepted, At: now, Actor: "operator", Comment: comment}
		completed := history.Event{Status: Completed, At: now, Actor: "operator"}
		upd := expression.Set(expression.Name("status"), expression.Value(Completed)).
			Set(expression.Name("history"), expression.ListAppend(expression.Name("history"), expression.Value([]history.Event{accepted, completed}))).
			Set(expression.Name("decidedAt"), expression.Value(now)).
			Add(expression.Name("version"), expression.Value(1)).
			Remove(expression.Name("GSI1PK")).Remove(expression.Name("GSI1SK"))
		tx.Update(app.Key, upd, store.Cond(expression.Name("status").Equal(expression.Value(a.Status)).
			And(expression.Name("version").Equal(expression.Value(a.Version)))),
			apierr.New(StateChanged, "The application was decided at the same time."))
		release(tx, &app)
		if err := k.CarryOut(s, &app, f, tx); err != nil {
			return nil, err
		}
		outbox.Enqueue(tx, now, "app-decided#"+app.ApplicationID, outbox.AppAccepted, app.NotifyEmail, mailData(d, &app, k, comment), nil)
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
