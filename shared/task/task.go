// Package task is the work that must follow a committed change outside the
// table: a Cognito call, an S3 copy or delete. A task item is written in the
// same transaction as the change (Enqueue), so the change and its follow-up
// commit together; the task runner (package taskrunner) takes it from the
// table's stream and retries it until it succeeds or is dead-lettered. A
// handler never answers an error for follow-up work: once committed, the
// change has happened.
package task

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Item is one task.
type Item struct {
	store.Key
	ID        string            `dynamodbav:"id"`
	Kind      string            `dynamodbav:"kind"`
	Args      map[string]string `dynamodbav:"args"`
	CreatedAt time.Time         `dynamodbav:"createdAt"`
	// LeaseUntil: a runner holds the task until then (unix seconds).
	LeaseUntil int64 `dynamodbav:"leaseUntil,omitempty"`
	DoneAt     int64 `dynamodbav:"doneAt,omitempty"`
	Attempts   int   `dynamodbav:"attempts"`
	TTL        int64 `dynamodbav:"ttl"`
}

// ttl removes task records a while after they were made (their args may name
// a person); a task still failing by then has long been dead-lettered.
const ttl = 14 * 24 * time.Hour

// Enqueue adds a task of a kind to a change's transaction.
func Enqueue(tx *store.Tx, now time.Time, kind string, args map[string]string) {
	id := ulid.Make().String()
	tx.Create(&Item{Key: store.TaskKey(id), ID: id, Kind: kind, Args: args, CreatedAt: now.UTC(),
		TTL: now.Add(ttl).Unix()}, nil)
}

// Handler does one kind of task. It must be idempotent: a task is run at
// least once (a runner may stop after the work and before marking it done).
type Handler func(ctx context.Context, args map[string]string) error

// Runner runs tasks from the table's stream.
type Runner struct {
	Table    *store.Table
	Handlers map[string]Handler
	Log      *slog.Logger
	// Lease is how long a task is left to its runner before another attempt
	// may take it over.
	Lease time.Duration
}

// ErrUnknownKind: no handler for a task's kind (a deployment mismatch); the
// stream retries it, then dead-letters it.
var ErrUnknownKind = errors.New("task: no handler for this kind")

// HandleStream is the Lambda handler for the table's stream, filtered to task
// inserts. A failed task is reported as a batch item failure, so the stream
// retries from it; tasks already done are skipped.
func (r *Runner) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	for _, rec := range ev.Records {
		pk := rec.Change.Keys["PK"].String()
		if !strings.HasPrefix(pk, store.TaskPrefix) || rec.EventName == "REMOVE" {
			continue
		}
		if err := r.Run(ctx, store.Key{PK: pk, SK: rec.Change.Keys["SK"].String()}); err != nil {
			r.Log.ErrorContext(ctx, "task failed", slog.String("task", pk), apierr.LogAttr(err))
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
			break
		}
	}
	return resp, nil
}

// Run runs one task unless it is done.
func (r *Runner) Run(ctx context.Context, k store.Key) error {
	var it Item
	if err := r.Table.Get(ctx, k, &it); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if it.DoneAt != 0 {
		return nil
	}
	h, ok := r.Handlers[it.Kind]
	if !ok {
		return ErrUnknownKind
	}
	lease := r.Lease
	if lease == 0 {
		lease = 2 * time.Minute
	}
	switch err := r.Table.Lease(ctx, k, "doneAt", lease); {
	case errors.Is(err, store.ErrDone):
		return nil
	case err != nil:
		return err
	}
	if err := h(ctx, it.Args); err != nil {
		_ = r.Table.Release(ctx, k)
		return err
	}
	// A done task keeps no arguments: they may be secrets (a refresh token).
	return r.Table.Finish(ctx, k, "doneAt", nil, "args")
}
