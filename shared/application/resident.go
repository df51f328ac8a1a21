package application

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

type availability struct {
	Type      string  `json:"type"`
	Available bool    `json:"available"`
	Reason    *string `json:"reason,omitempty"`
}

// check says whether a type is available to the subject (except: an
// application of the type that does not count as open, the one submitted).
func check(k *Kind, s *Subject, except string) (bool, string) {
	if ok, why := k.Available(s); !ok {
		return false, why
	}
	if s.open(k.Name, except) {
		return false, ReasonOpenApplication
	}
	return true, ""
}

// Available serves GET /profiles/{profileId}/applications/available.
func Available(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		s, err := readSubject(ctx, store.Of(d), p.ProfileID, p.HouseholdID, d.Now())
		if err != nil {
			return nil, err
		}
		items := make([]availability, 0, len(Order))
		for _, name := range Order {
			ok, why := check(Kinds[name], s, "")
			a := availability{Type: name, Available: ok}
			if !ok {
				a.Reason = &why
			}
			items = append(items, a)
		}
		return httpapi.JSON(200, httpapi.List[availability]{Items: items}), nil
	}
}

type createBody struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

func (b *createBody) Validate(c *httpapi.Checks) {
	if _, ok := Kinds[b.Type]; !ok {
		c.Fail("type", "invalid")
	}
}

func notAvailable(why string) error {
	return &apierr.Error{Code: NotAvailable, Message: "This application is not available: " + why + ".",
		Fields: []apierr.FieldError{{Field: "type", Code: why}}}
}

// Create serves POST /profiles/{profileId}/applications: a draft of an available
// type (R5.1).
func Create(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *createBody) (*httpapi.Response, error) {
		k := Kinds[b.Type]
		data, err := formData(k, b.Data)
		if err != nil {
			return nil, err
		}
		// A prefilled draft copies the profile's data: read it whole then.
		reach := profile.Reach
		if k.Prefill != nil && data == "{}" {
			reach = profile.Resolve
		}
		p, err := reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		s, err := readSubject(ctx, store.Of(d), p.ProfileID, p.HouseholdID, d.Now())
		if err != nil {
			return nil, err
		}
		if ok, why := check(k, s, ""); !ok {
			return nil, notAvailable(why)
		}
		if k.Prefill != nil && data == "{}" {
			if data, err = encodeForm(k.Prefill(s, p)); err != nil {
				return nil, err
			}
		}
		id := store.OwnedID(p.ProfileID)
		a := &Application{
			Key: store.ApplicationKey(p.ProfileID, id), ApplicationID: id, ProfileID: p.ProfileID, HouseholdID: p.HouseholdID,
			Type: k.Name, Status: Draft, Data: data, CreatedAt: s.Now,
			History: []history.Event{{Status: Draft, At: s.Now, Actor: "resident"}}, Version: 1,
		}
		tx := &store.Tx{}
		tx.Create(a, nil)
		claim(tx, a)
		return httpapi.JSON(201, ToView(a, true)).With(tx), nil
	})
}

var statuses = map[string]bool{Draft: true, Submitted: true, InReview: true, Accepted: true,
	Rejected: true, Completed: true, Cancelled: true, Returned: true}

// filters reads a list's ?type= and the given status into one filter; an
// unknown value is 422.
func filters(r *httpapi.Request, status string) (*expression.ConditionBuilder, error) {
	var conds []expression.ConditionBuilder
	if status != "" {
		if !statuses[status] {
			return nil, apierr.Invalid(apierr.FieldError{Field: "status", Code: "invalid"})
		}
		conds = append(conds, expression.Name("status").Equal(expression.Value(status)))
	}
	if t := r.Query["type"]; t != "" {
		if _, ok := Kinds[t]; !ok {
			return nil, apierr.Invalid(apierr.FieldError{Field: "type", Code: "invalid"})
		}
		conds = append(conds, expression.Name("type").Equal(expression.Value(t)))
	}
	switch len(conds) {
	case 0:
		return nil, nil
	case 1:
		return &conds[0], nil
	}
	c := expression.And(conds[0], conds[1])
	return &c, nil
}

// listPage answers one page of applications (without data and history).
func listPage(ctx context.Context, d *platform.Deps, q store.QueryInput) (*httpapi.Response, error) {
	var apps []Application
	next, err := store.Of(d).Query(ctx, q, &apps)
	if err != nil {
		return nil, err
	}
	items := make([]View, 0, len(apps))
	for i := range apps {
		items = append(items, ToView(&apps[i], false))
	}
	return httpapi.JSON(200, httpapi.List[View]{Items: items, NextCursor: store.EncodeCursor(next)}), nil
}

// List serves GET /profiles/{profileId}/applications (R5.1, R5.2): filter by
// status and type, sort by date both ways, paged.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		pk := store.ProfilePK(p.ProfileID)
		page, err := httpapi.PageOf(r, "PK", pk, false)
		if err != nil {
			return nil, err
		}
		filter, err := filters(r, r.Query["status"])
		if err != nil {
			return nil, err
		}
		return listPage(ctx, d, store.QueryInput{
			KeyCond: expression.Key("PK").Equal(expression.Value(pk)).
				And(expression.Key("SK").BeginsWith(store.ApplicationSKPrefix)),
			Filter: filter, Limit: page.Limit, Forward: page.Ascending, StartKey: page.Start, Consistent: true,
		})
	}
}

// Get serves GET /profiles/{profileId}/applications/{applicationId} (R4.2, R5.3).
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		_, a, err := load(ctx, d, r.Account, r.Params["profileId"], r.Params["applicationId"])
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(200, ToView(a, true)), nil
	}
}

type updateBody struct {
	Data json.RawMessage `json:"data"`
}

func (b *updateBody) Validate(c *httpapi.Checks) {
	if len(b.Data) == 0 {
		c.Fail("data", "required")
	}
}

// Update serves PUT /profiles/{profileId}/applications/{applicationId}: a
// draft's data is replaced, or a returned application's (R15.7: corrected in
// place, then submitted again).
func Update(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *updateBody) (*httpapi.Response, error) {
		_, a, err := load(ctx, d, r.Account, r.Params["profileId"], r.Params["applicationId"])
		if err != nil {
			return nil, err
		}
		if a.Status != Draft && a.Status != Returned {
			return nil, apierr.New(StateChanged, "Only a draft or a returned application can be changed.")
		}
		data, err := formData(Kinds[a.Type], b.Data)
		if err != nil {
			return nil, err
		}
		tx := &store.Tx{}
		setData(tx, a, data)
		a.Data = data
		return httpapi.JSON(200, ToView(a, true)).With(tx), nil
	})
}

// Submit serves POST .../applications/{applicationId}/submit: completeness and
// availability are checked again, the files verified, and the application
// joins the review queue; the resident is mailed. Facts first: one Query
// reads the application with everything the rules look at, the rules are
// pure, the files' objects are checked concurrently, and the dictionary
// entries the rules relied on are conditions of the commit.
func Submit(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		s, a, err := loadSubject(ctx, d, r.Account, r.Params["profileId"], r.Params["applicationId"])
		if err != nil {
			return nil, err
		}
		if a.Status != Draft && a.Status != Returned {
			return nil, apierr.New(StateChanged, "Only a draft or a returned application can be submitted; this one is %s.", a.Status)
		}
		k, _, err := ready(ctx, d, s, a)
		if err != nil {
			return nil, err
		}
		now := s.Now
		tx := &store.Tx{}
		s.Guard(tx)
		// The files are marked verified with the submission; a task copies
		// them out of the expiring pending prefix after the commit.
		seen := map[string]bool{}
		for _, u := range s.Verified {
			if !seen[u.UploadID] {
				seen[u.UploadID] = true
				upload.MarkVerified(tx, now, u)
			}
		}
		// A resubmission's mail is a mail of its own.
		mailID := "app-submitted#" + a.ApplicationID
		if a.Status == Returned {
			mailID += "#" + strconv.Itoa(a.Version)
		}
		// The service level runs from each submission, a resubmission's too.
		by := citytime.Day(now).AddDate(0, 0, d.Config.DecisionDays).Format(time.DateOnly)
		move(tx, a, Submitted, history.Event{Status: Submitted, At: now, Actor: "resident"},
			func(u expression.UpdateBuilder) expression.UpdateBuilder {
				return u.Set(expression.Name("submittedAt"), expression.Value(now)).
					Set(expression.Name("GSI1SK"), expression.Value(now.Format(timeKey)+"#"+a.ApplicationID)).
					Set(expression.Name("notifyEmail"), expression.Value(r.Account.Email)).
					Set(expression.Name("expectedDecisionBy"), expression.Value(by)).
					Remove(expression.Name("correction"))
			})
		a.SubmittedAt, a.ExpectedDecisionBy, a.Correction = &now, by, nil
		outbox.Enqueue(tx, now, mailID, outbox.AppSubmitted, r.Account.Email, mailData(d, a, k, ""), nil)
		return httpapi.JSON(200, ToView(a, true)).With(tx), nil
	}
}

// loadSubject reads, in one Query, an application of a profile the caller may
// reach together with the rules' facts. The application's id names its
// owner, and the application its household, so access needs no other read.
func loadSubject(ctx context.Context, d *platform.Deps, acc *account.Account, profileID, appID string) (*Subject, *Application, error) {
	owner, ok := store.OwnerOf(appID)
	if !ok || !profile.MayReach(acc, profileID, owner) {
		return nil, nil, errNotFound
	}
	s, err := readSubject(ctx, store.Of(d), owner, acc.HouseholdID, d.Now())
	if err != nil {
		return nil, nil, err
	}
	a := s.app(appID)
	if a == nil || a.HouseholdID != acc.HouseholdID {
		return nil, nil, errNotFound
	}
	return s, a, nil
}

// ready checks an application against the rules as they are now: the type is
// available to the profile and the form complete, its files verified. Submit
// and acceptance both ask, since acceptance carries out what it checks.
func ready(ctx context.Context, d *platform.Deps, s *Subject, a *Application) (*Kind, Form, error) {
	k := Kinds[a.Type]
	if ok, why := check(k, s, a.ApplicationID); !ok {
		return nil, nil, notAvailable(why)
	}
	f, err := decode(k, json.RawMessage(a.Data))
	if err != nil {
		return nil, nil, err
	}
	// Two dictionaries, read by a function instance once a minute: at once,
	// so that a cold instance waits for one round trip more, not two.
	var wg sync.WaitGroup
	var perr error
	wg.Go(func() { s.Packages, perr = entitlement.CachedPackages(ctx, store.Of(d)) })
	s.Clauses, err = dictionary.CachedClauses(ctx, store.Of(d))
	wg.Wait()
	if err = errors.Join(err, perr); err != nil {
		return nil, nil, err
	}
	if s.BirthDate == "" && s.Index != nil {
		// The resident index entry, read with the application, carries the
		// birth date and changes in the same transactions as the profile's.
		s.BirthDate = s.Index.BirthDate
	}
	if pc, ok := f.(packageChooser); ok && s.BirthDate == "" && s.needsBirthDate(pc.packageIDs()) {
		if s.BirthDate, err = readBirthDate(ctx, store.Of(d), s.HouseholdID, s.ProfileID); err != nil {
			return nil, nil, err
		}
	}
	var c httpapi.Checks
	f.Complete(s, &c)
	if err := c.Err(); err != nil {
		return nil, nil, err
	}
	if s.fileErr != nil {
		return nil, nil, s.fileErr
	}
	if err := upload.CheckObjects(ctx, d, s.objects); err != nil {
		return nil, nil, err
	}
	return k, f, nil
}

// timeKey sorts instants as strings in the queue index.
const timeKey = "2006-01-02T15:04:05.000000Z"

func mailData(d *platform.Deps, a *Application, k *Kind, comment string) map[string]string {
	return map[string]string{"typeName": k.Title, "applicationId": a.ApplicationID, "comment": comment,
		"link": d.Config.PortalURL + "/applications/" + a.ApplicationID}
}

// Delete serves DELETE .../applications/{applicationId}: a draft is deleted, an
// undecided application cancelled; a decided one stays.
func Delete(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		_, a, err := load(ctx, d, r.Account, r.Params["profileId"], r.Params["applicationId"])
		if err != nil {
			return nil, err
		}
		tx := &store.Tx{}
		switch a.Status {
		case Draft:
			deleteDraft(tx, a)
		case Submitted, InReview, Returned:
			move(tx, a, Cancelled, history.Event{Status: Cancelled, At: d.Now().UTC(), Actor: "resident"}, nil)
		default:
			return nil, apierr.New(StateChanged, "A %s application can no longer be cancelled.", a.Status)
		}
		return httpapi.NoContent().With(tx), nil
	}
}
