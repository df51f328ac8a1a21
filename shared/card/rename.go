package card

import (
	"context"
	"errors"
	"time"

	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
)

// TaskRename is the task that brings a profile's cards to the profile's
// names, written with a change of the names that did not read the cards (the
// head's edit of a member, R10.1).
const TaskRename = "card.rename"

// RenameLater adds the task to tx.
func RenameLater(tx *store.Tx, now time.Time, householdID, profileID string) {
	task.Enqueue(tx, now, TaskRename, map[string]string{"householdId": householdID, "profileId": profileID})
}

// Tasks are the card's task handlers (the task runner runs them).
func Tasks(d *platform.Deps) map[string]task.Handler {
	return map[string]task.Handler{
		TaskRename: func(ctx context.Context, a map[string]string) error {
			return rename(ctx, store.Of(d), a["householdId"], a["profileId"])
		},
	}
}

// rename reads the profile's names as they are now and writes them on the
// cards that show others: run again, or after a later edit, it converges on
// the newest names.
func rename(ctx context.Context, t *store.Table, householdID, profileID string) error {
	var p profile.Profile
	err := t.Get(ctx, store.ProfileKey(householdID, profileID), &p)
	if errors.Is(err, store.ErrNotFound) {
		return nil // erased meanwhile
	}
	if err != nil {
		return err
	}
	cs, err := OfProfile(ctx, t, profileID)
	if err != nil {
		return err
	}
	var stale []Card
	for _, c := range cs {
		if c.HolderFirstName != p.FirstName || c.HolderLastName != p.LastName {
			stale = append(stale, c)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	tx := &store.Tx{}
	// A card gone meanwhile fails the commit: the task runs again and reads
	// what is left.
	RenameIn(tx, stale, &p.FirstName, &p.LastName, nil)
	return t.Commit(ctx, tx)
}
