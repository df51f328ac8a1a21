// Package retention is the daily job of minimal retention (R15.5): the
// documents attached to applications are deleted a configured number of days
// after the decision; their records keep the metadata and the file's SHA-256.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/schedule"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// JobName is the daily job's function.
const JobName = routes.RetentionJob

// Summary is what a run did.
type Summary struct {
	Day string `json:"day"`
	// DecidedBy is the last decision day whose documents were due.
	DecidedBy     string `json:"decidedBy"`
	RetentionDays int    `json:"retentionDays"`
	// ItemsRead are the index entries read: only documents due.
	ItemsRead int `json:"itemsRead"`
	Deleted   int `json:"deleted"`
	// Skipped were changed under the run (another run took them); Failed
	// could not be written (the run fails, a rerun takes them).
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
}

// Job is the retention job's handler.
var Job = schedule.Job(JobName, Run)

var errGone = errors.New("retention: the document changed under the run")

// Run deletes the documents of the decisions made up to the configured
// number of days before now's city day (late days too: a missed run is
// caught up). Each document: its hash from the stored file, then one
// transaction (the record marked deleted and out of the index, the objects'
// deletion as a task), conditioned on the index entry the run read, so a
// rerun or a concurrent run deletes nothing twice.
func Run(ctx context.Context, d *platform.Deps, now time.Time) (Summary, error) {
	days := d.Config.DocumentRetentionDays
	if days == 0 {
		days = config.DefaultDocumentRetentionDays
	}
	today := citytime.Day(now)
	by := today.AddDate(0, 0, -days)
	sum := Summary{Day: today.Format(time.DateOnly), DecidedBy: by.Format(time.DateOnly), RetentionDays: days}
	t := store.Of(d)
	var failed error
	for shard := range store.RetentionShards {
		q := store.QueryInput{
			Index: store.GSI2,
			KeyCond: expression.Key("GSI2PK").Equal(expression.Value(store.RetentionPK(shard))).
				And(expression.Key("GSI2SK").LessThan(expression.Value(by.AddDate(0, 0, 1).Format(time.DateOnly)))),
			Forward: true,
		}
		for {
			var page []upload.Upload
			next, err := t.Query(ctx, q, &page)
			if err != nil {
				return sum, err
			}
			sum.ItemsRead += len(page)
			for i := range page {
				u := &page[i]
				hash, err := upload.Hash(ctx, d, u)
				if err != nil {
					sum.Failed++
					failed = err
					continue
				}
				tx := &store.Tx{}
				upload.MarkDeleted(tx, now, u, hash, errGone)
				switch err := t.Commit(ctx, tx); {
				case errors.Is(err, errGone):
					sum.Skipped++
				case err != nil:
					sum.Failed++
					failed = err
				default:
					sum.Deleted++
				}
			}
			if next == nil {
				break
			}
			q.StartKey = next
		}
	}
	if failed != nil {
		d.Log.ErrorContext(ctx, "retention: documents not deleted", slog.Int("failed", sum.Failed), apierr.LogAttr(failed))
		return sum, fmt.Errorf("%s: %d documents not deleted", JobName, sum.Failed)
	}
	return sum, nil
}
