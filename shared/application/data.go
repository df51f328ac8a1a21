package application

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// The application feature's table access: every DynamoDB expression of the
// feature is built here; the rules read Subject and return changes.

var errChanged = apierr.New(StateChanged, "The application was changed at the same time; read it again.")

// readSubject reads a profile's applications, uploads, cards and
// entitlements in one Query: they sort together in the profile's partition,
// between store.SubjectFrom and store.SubjectTo.
func readSubject(ctx context.Context, t *store.Table, profileID, householdID string, now time.Time) (*Subject, error) {
	s := &Subject{ProfileID: profileID, HouseholdID: householdID, Now: now.UTC(), Uploads: map[string]*upload.Upload{}}
	q := store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").Between(expression.Value(store.SubjectFrom), expression.Value(store.SubjectTo))),
		Forward:    true,
		Consistent: true,
	}
	for {
		items, next, err := t.QueryItems(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			var err error
			switch {
			case sk == nil:
			case sk.Value == store.ResidentIndexKey(profileID, profile.FormLastFirst).SK:
				var e profile.IndexEntry
				err = attributevalue.UnmarshalMap(it, &e)
				s.Block = e.BlockReason
				if e.ProfileID != "" { // not only a block's mark
					s.Index = &e
				}
			case strings.HasPrefix(sk.Value, store.ApplicationSKPrefix):
				var a Application
				err = attributevalue.UnmarshalMap(it, &a)
				s.Apps = append(s.Apps, a)
			case strings.HasPrefix(sk.Value, store.UploadSKPrefix):
				var u upload.Upload
				err = attributevalue.UnmarshalMap(it, &u)
				s.Uploads[u.UploadID] = &u
			case strings.HasPrefix(sk.Value, store.CardSKPrefix):
				var c card.Card
				err = attributevalue.UnmarshalMap(it, &c)
				s.Cards = append(s.Cards, c)
			case strings.HasPrefix(sk.Value, store.EntitlementSKPrefix):
				var e entitlement.Entitlement
				err = attributevalue.UnmarshalMap(it, &e)
				s.Entitlements = append(s.Entitlements, e)
			}
			if err != nil {
				return nil, err
			}
		}
		if next == nil {
			return s, nil
		}
		q.StartKey = next
	}
}

// app is the subject's application of an id, or nil.
func (s *Subject) app(id string) *Application {
	for i := range s.Apps {
		if s.Apps[i].ApplicationID == id {
			return &s.Apps[i]
		}
	}
	return nil
}

// move changes an application's status in tx: the condition is the status and
// version it was read in; the history entry is appended; the queue index
// follows the status (only submitted and in_review are queued).
func move(tx *store.Tx, a *Application, to string, ev history.Event, set func(expression.UpdateBuilder) expression.UpdateBuilder) {
	upd := expression.Set(expression.Name("status"), expression.Value(to)).
		Set(expression.Name("history"), expression.ListAppend(expression.Name("history"), expression.Value([]history.Event{ev})))
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
	tx.Change(a.Key, a.Version, upd, inStatus(a.Status), errChanged)
	a.Status = to
	a.History = append(a.History, ev)
	a.Version++
}

func inStatus(status string) *expression.ConditionBuilder {
	return store.Cond(expression.Name("status").Equal(expression.Value(status)))
}

// setData changes a draft's or a returned application's data, in the status
// it was read in.
func setData(tx *store.Tx, a *Application, data string) {
	tx.Change(a.Key, a.Version, expression.Set(expression.Name("data"), expression.Value(data)), inStatus(a.Status), errChanged)
}

// deleteDraft removes a draft and its claim.
func deleteDraft(tx *store.Tx, a *Application) {
	tx.Delete(a.Key, store.Cond(expression.Name("status").Equal(expression.Value(Draft)).
		And(expression.Name("version").Equal(expression.Value(a.Version)))), errChanged)
	release(tx, a)
}

// complete moves an accepted application to completed in one update (history:
// accepted, completed) and releases its claim.
func complete(tx *store.Tx, a *Application, now time.Time, accepted, completed history.Event) {
	upd := expression.Set(expression.Name("status"), expression.Value(Completed)).
		Set(expression.Name("history"), expression.ListAppend(expression.Name("history"), expression.Value([]history.Event{accepted, completed}))).
		Set(expression.Name("decidedAt"), expression.Value(now)).
		Remove(expression.Name("GSI1PK")).Remove(expression.Name("GSI1SK"))
	tx.Change(a.Key, a.Version, upd, inStatus(a.Status), apierr.New(StateChanged, "The application was decided at the same time."))
	release(tx, a)
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
			Or(expression.Name("applicationId").Equal(expression.Value(a.ApplicationID)))), errChanged)
}

// changePerson applies a data change to the profile (the operator approved
// these values; the profile must still exist). Verifiers see the holder's
// names on the card: they change with the profile's.
func changePerson(tx *store.Tx, s *Subject, firstName, lastName, birthDate *string) {
	upd := expression.Add(expression.Name("version"), expression.Value(1))
	for name, v := range map[string]*string{"firstName": firstName, "lastName": lastName, "birthDate": birthDate} {
		if v != nil {
			upd = upd.Set(expression.Name(name), expression.Value(*v))
		}
	}
	tx.Update(store.ProfileKey(s.HouseholdID, s.ProfileID), upd, store.Exists(), errCardChanged)
	profile.Rename(tx, s.HouseholdID, s.ProfileID, firstName, lastName, birthDate, s.Index)
	if firstName == nil && lastName == nil {
		return
	}
	card.RenameIn(tx, s.Cards, firstName, lastName, errCardChanged)
}

// keepBlocked marks an already blocked card as replaced by a duplicate.
func keepBlocked(tx *store.Tx, c *card.Card) {
	tx.Change(c.Key, c.Version, expression.Set(expression.Name("blockReason"), expression.Value(card.ReasonDuplicate)), nil, errCardChanged)
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

// readBirthDate reads the profile's birth date, for an age rule.
func readBirthDate(ctx context.Context, t *store.Table, householdID, profileID string) (string, error) {
	var p profile.Profile
	err := t.Get(ctx, store.ProfileKey(householdID, profileID), &p)
	if errors.Is(err, store.ErrNotFound) {
		return "", errNotFound
	}
	return p.BirthDate, err
}
