// Package audit is the operators' audit trail (R15.9): every operator action
// is recorded in the transaction that makes the change, so there is no change
// without its entry and no entry without its change; every operator view of a
// resident's data is recorded after the read, best effort (a failed record is
// logged, never answered: the view has happened either way).
package audit

import (
	"context"
	"log/slog"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Kinds of entries: a change, or a view of a resident's data.
const (
	KindAction = "action"
	KindView   = "view"
)

// Entry is one record of the trail.
type Entry struct {
	store.Key
	store.Index1                   // the resident's entries
	store.Index2                   // the operator's entries
	AuditID      string            `dynamodbav:"auditId"`
	At           time.Time         `dynamodbav:"at"`
	Kind         string            `dynamodbav:"kind"`
	Action       string            `dynamodbav:"action"`
	ActorID      string            `dynamodbav:"actorId"`
	ActorEmail   string            `dynamodbav:"actorEmail"`
	ProfileID    string            `dynamodbav:"profileId,omitempty"`
	Target       string            `dynamodbav:"target,omitempty"`
	Detail       map[string]string `dynamodbav:"detail,omitempty"`
}

// timeKey sorts instants as strings.
const timeKey = "2006-01-02T15:04:05.000000Z"

func newEntry(acc *account.Account, now time.Time, kind, action, profileID, target string, detail map[string]string) *Entry {
	now = now.UTC()
	id := ulid.Make().String()
	sk := now.Format(timeKey) + "#" + id
	e := &Entry{Key: store.AuditKey(now.Format("2006-01"), sk), AuditID: id, At: now, Kind: kind, Action: action,
		ProfileID: profileID, Target: target, Detail: detail}
	if acc != nil {
		e.ActorID, e.ActorEmail = acc.AccountID, acc.Email
		e.Index2 = store.Index2{GSI2PK: store.AuditActorPK(acc.AccountID), GSI2SK: sk}
	}
	if profileID != "" {
		e.Index1 = store.Index1{GSI1PK: store.AuditProfilePK(profileID), GSI1SK: sk}
	}
	return e
}

// Record adds an operator's action to the change's transaction: the entry is
// written if and only if the change is. profileID is the resident the action
// concerns ("" for none: a dictionary, a staff account).
func Record(tx *store.Tx, acc *account.Account, now time.Time, action, profileID, target string, detail map[string]string) {
	tx.Create(newEntry(acc, now, KindAction, action, profileID, target, detail), nil)
}

// Viewed records, best effort, that an operator read a resident's data: a
// failure is logged and the read is answered anyway.
func Viewed(ctx context.Context, t *store.Table, log *slog.Logger, acc *account.Account, action, profileID, target string) {
	if err := t.Put(ctx, newEntry(acc, t.Now(), KindView, action, profileID, target, nil)); err != nil && log != nil {
		log.WarnContext(ctx, "audit: view not recorded", slog.String("action", action), apierr.LogAttr(err))
	}
}

// View is who looked at a profile's data, when, and what: what a resident's
// export lists (R15.9).
type View struct {
	At         time.Time `json:"at"`
	Action     string    `json:"action"`
	ActorID    string    `json:"actorId"`
	ActorEmail string    `json:"actorEmail"`
}

// View is the entry as the resident's export shows it.
func (e *Entry) View() View {
	return View{At: e.At, Action: e.Action, ActorID: e.ActorID, ActorEmail: e.ActorEmail}
}
