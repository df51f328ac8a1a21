// Package application holds the application lifecycle shared by every type
// (R4.1, R4.2, R4.5–R4.7, R5, R11.1): draft → submitted → in_review →
// accepted | rejected → completed, cancelled by the resident while undecided.
// Every change appends a history entry and is conditioned on the status and
// version it was decided on.
package application

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Codes.
var (
	NotAvailable = apierr.Register("application_not_available", http.StatusConflict)
	StateChanged = apierr.Register("application_state_conflict", http.StatusConflict)
)

var errNotFound = apierr.New(apierr.NotFound, "No such application.")

// View is an application as the API shows it; lists omit data and history.
type View struct {
	ApplicationID string          `json:"applicationId"`
	ProfileID     string          `json:"profileId"`
	Type          string          `json:"type"`
	Status        string          `json:"status"`
	CreatedAt     time.Time       `json:"createdAt"`
	SubmittedAt   *time.Time      `json:"submittedAt,omitempty"`
	DecidedAt     *time.Time      `json:"decidedAt,omitempty"`
	Data          json.RawMessage `json:"data,omitempty"`
	History       []history.Event `json:"history,omitempty"`
}

// ToView is the API's view; full adds data and history.
func ToView(a *Application, full bool) View {
	v := View{ApplicationID: a.ApplicationID, ProfileID: a.ProfileID, Type: a.Type, Status: a.Status,
		CreatedAt: a.CreatedAt, SubmittedAt: a.SubmittedAt, DecidedAt: a.DecidedAt}
	if full {
		v.Data = json.RawMessage(a.Data)
		v.History = a.History
		if v.History == nil {
			v.History = []history.Event{}
		}
	}
	return v
}

// subject reads a profile's cards and applications: one Query over the
// profile's partition from APP# to CARD#.
func subject(ctx context.Context, d *platform.Deps, p *profile.Profile) (*Subject, error) {
	s := &Subject{D: d, Profile: p, Now: d.Now().UTC()}
	// "APP#" < "CARD#" < "CARD$": one range holds both kinds.
	q := store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(p.ProfileID))).
			And(expression.Key("SK").Between(expression.Value(store.ApplicationSKPrefix), expression.Value("CARD$"))),
		Forward:    true,
		Consistent: true,
	}
	for {
		items, next, err := store.Of(d).QueryItems(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			switch {
			case sk == nil:
			case strings.HasPrefix(sk.Value, store.ApplicationSKPrefix):
				var a Application
				if err := attributevalue.UnmarshalMap(it, &a); err != nil {
					return nil, err
				}
				s.Apps = append(s.Apps, a)
			case strings.HasPrefix(sk.Value, store.CardSKPrefix):
				var c card.Card
				if err := attributevalue.UnmarshalMap(it, &c); err != nil {
					return nil, err
				}
				s.Cards = append(s.Cards, c)
			}
		}
		if next == nil {
			return s, nil
		}
		q.StartKey = next
	}
}

// load reads an application of a profile the caller may reach.
func load(ctx context.Context, d *platform.Deps, acc *account.Account, profileID, appID string) (*profile.Profile, *Application, error) {
	p, err := profile.Reach(ctx, store.Of(d), acc, profileID)
	if err != nil {
		return nil, nil, err
	}
	var a Application
	err = store.Of(d).Get(ctx, store.ApplicationKey(p.ProfileID, appID), &a)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return p, &a, nil
}

// move changes an application's status in tx: the condition is the status and
// version it was read in; the history entry is appended; the queue index
// follows the status (only submitted and in_review are queued).
func move(tx *store.Tx, a *Application, to string, ev history.Event, set func(expression.UpdateBuilder) expression.UpdateBuilder) {
	upd := expression.Set(expression.Name("status"), expression.Value(to)).
		Set(expression.Name("history"), expression.ListAppend(expression.Name("history"), expression.Value([]history.Event{ev}))).
		Add(expression.Name("version"), expression.Value(1))
	if to == Submitted || to == InReview {
		upd = upd.Set(expression.Name("GSI1PK"), expression.Value(store.ReviewQueuePK(to)))
	} else {
		upd = upd.Remove(expression.Name("GSI1PK")).Remove(expression.Name("GSI1SK"))
	}
	if set != nil {
		upd = set(upd)
	}
	if !isOpen(to) {
		release(tx, a)
	}
	tx.Update(a.Key, upd, store.Cond(expression.Name("status").Equal(expression.Value(a.Status)).
		And(expression.Name("version").Equal(expression.Value(a.Version)))),
		apierr.New(StateChanged, "The application was changed at the same time; read it again."))
	a.Status = to
	a.History = append(a.History, ev)
	a.Version++
}

// claim adds to tx the claim of a's type for its profile: created only if no
// open application of the type holds it, so of any number of racing creates
// one commits and the others are told the type is taken, whatever they read.
func claim(tx *store.Tx, a *Application) {
	tx.Create(&OpenApplication{Key: store.OpenApplicationKey(a.ProfileID, a.Type), ApplicationID: a.ApplicationID,
		Type: a.Type, CreatedAt: a.CreatedAt}, notAvailable(ReasonOpenApplication))
}

// release adds to tx the removal of a's claim; every change that takes an
// application out of the open statuses carries it. The claim is removed only
// if it is a's (or absent, for an application opened before claims existed).
func release(tx *store.Tx, a *Application) {
	tx.Delete(store.OpenApplicationKey(a.ProfileID, a.Type),
		store.Cond(expression.AttributeNotExists(expression.Name("PK")).
			Or(expression.Name("applicationId").Equal(expression.Value(a.ApplicationID)))),
		apierr.New(StateChanged, "The application was changed at the same time; read it again."))
}
