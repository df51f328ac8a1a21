// Package comingofage is the daily job of R15.6: when a child without an
// e-mail of its own turns 18, the household head is mailed to add the
// child's e-mail, so that the child gets an own account.
package comingofage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/schedule"
	"github.com/kartamieszkanca/platform/shared/store"
)

// JobName is the daily job's function.
const JobName = "coming-of-age"

// LookBack is how many days back a run also looks, so a run missed on a
// birthday is caught up by the next ones (a mail is written at most once).
const LookBack = 7

// Summary is what a run did.
type Summary struct {
	Day string `json:"day"`
	// ItemsRead are the index entries read: only those born on the days
	// looked at, 18 years before.
	ItemsRead int `json:"itemsRead"`
	Mails     int `json:"mails"`
	// Skipped: told already (a rerun, a concurrent run) or no longer a child
	// without an e-mail; Failed: not written (the run fails, a rerun writes).
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
}

// Job is the coming-of-age job's handler.
var Job = schedule.Job(JobName, Run)

// birthDates are the birth dates of those who turn 18 on day: the same
// month-day 18 years before, and on 1 March of a common year also 29
// February (their birthday that year is taken to be 1 March).
func birthDates(day time.Time) []string {
	y := day.Year() - 18
	out := []string{fmt.Sprintf("%04d-%s", y, day.Format("01-02"))}
	leap := func(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
	if day.Month() == time.March && day.Day() == 1 && !leap(day.Year()) && leap(y) {
		out = append(out, fmt.Sprintf("%04d-02-29", y))
	}
	return out
}

var (
	errTold = errors.New("coming of age: told already")
)

// Run mails the heads of the children who turned 18 on now's city day or on
// the LookBack days before. A child's mail and the removal of its index
// entry are one transaction, conditioned on the entry the run read, and the
// mail's id is the child's: a mail is written at most once, whatever reruns.
func Run(ctx context.Context, d *platform.Deps, now time.Time) (Summary, error) {
	t := store.Of(d)
	today := citytime.Day(now)
	sum := Summary{Day: today.Format(time.DateOnly)}
	var failed error
	for back := range LookBack + 1 {
		for _, born := range birthDates(today.AddDate(0, 0, -back)) {
			q := store.QueryInput{Index: store.GSI2,
				KeyCond: expression.Key("GSI2PK").Equal(expression.Value(store.BirthdayPK(born[5:]))).
					And(expression.Key("GSI2SK").BeginsWith(born + "#")),
				Forward: true}
			for {
				var page []profile.Profile
				next, err := t.Query(ctx, q, &page)
				if err != nil {
					return sum, err
				}
				sum.ItemsRead += len(page)
				for i := range page {
					switch err := tell(ctx, d, t, &page[i], now); {
					case errors.Is(err, errTold):
						sum.Skipped++
					case err != nil:
						sum.Failed++
						failed = err
					default:
						sum.Mails++
					}
				}
				if next == nil {
					break
				}
				q.StartKey = next
			}
		}
	}
	if failed != nil {
		d.Log.ErrorContext(ctx, "coming of age: mails not written", slog.Int("failed", sum.Failed), apierr.LogAttr(failed))
		return sum, fmt.Errorf("%s: %d mails not written", JobName, sum.Failed)
	}
	return sum, nil
}

// tell writes the head's mail about one child (the head's account is read
// from the head's profile: the household id is the head's profile id).
func tell(ctx context.Context, d *platform.Deps, t *store.Table, child *profile.Profile, now time.Time) error {
	unindex := store.Cond(expression.Name("GSI2SK").Equal(expression.Value(child.GSI2SK)))
	tx := &store.Tx{}
	tx.Update(child.Key, expression.Remove(expression.Name("GSI2PK")).Remove(expression.Name("GSI2SK")), unindex, errTold)
	if child.AccountID == "" && child.Email == "" && !child.Head {
		var head profile.Profile
		err := t.Get(ctx, store.ProfileKey(child.HouseholdID, child.HouseholdID), &head)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if head.AccountID != "" {
			outbox.EnqueueToAccount(tx, now, "adult#"+child.ProfileID, outbox.ComingOfAge, head.AccountID,
				map[string]string{"firstName": child.FirstName, "link": d.Config.PortalURL + "/family"}, errTold)
		}
	}
	err := t.Commit(ctx, tx)
	if err == nil && tx.Len() == 1 {
		return errTold // nobody to tell: the entry is gone, nothing mailed
	}
	return err
}
