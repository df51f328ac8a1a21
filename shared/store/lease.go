package store

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

// Work items (outbox mail, tasks) are run from the table's stream at least
// once; a lease on the item makes each run at most once at a time, and the
// doneAt mark makes a finished item a no-op when the stream delivers it again.

// ErrLeased: another attempt holds the item; retry later.
var ErrLeased = errors.New("store: work item leased by another attempt")

// ErrDone: the item was finished already.
var ErrDone = errors.New("store: work item already done")

// Lease claims a work item until now+d, counting the attempt. It fails with
// ErrLeased while another attempt's lease runs and ErrDone once finished.
func (t *Table) Lease(ctx context.Context, k Key, doneAttr string, d time.Duration) error {
	now := t.Now()
	free := expression.AttributeNotExists(expression.Name("leaseUntil")).
		Or(expression.Name("leaseUntil").LessThan(expression.Value(now.Unix())))
	cond := Exists().And(expression.AttributeNotExists(expression.Name(doneAttr))).And(free)
	err := t.Update(ctx, k,
		expression.Set(expression.Name("leaseUntil"), expression.Value(now.Add(d).Unix())).
			Add(expression.Name("attempts"), expression.Value(1)),
		&cond, ErrLeased)
	if !errors.Is(err, ErrLeased) {
		return err
	}
	// Tell a finished (or removed) item from a held one: only the latter is retried.
	var raw map[string]any
	if gerr := t.Get(ctx, k, &raw); errors.Is(gerr, ErrNotFound) {
		return ErrDone
	} else if gerr != nil {
		return gerr
	}
	if _, done := raw[doneAttr]; done {
		return ErrDone
	}
	return ErrLeased
}

// Release gives a leased item back at once, so a retry need not wait for the
// lease to run out.
func (t *Table) Release(ctx context.Context, k Key) error {
	return t.Update(ctx, k, expression.Remove(expression.Name("leaseUntil")), Exists(), nil)
}

// Finish marks a leased item done (doneAttr = now), setting the extra
// attributes and removing those named in remove.
func (t *Table) Finish(ctx context.Context, k Key, doneAttr string, extra map[string]any, remove ...string) error {
	upd := expression.Set(expression.Name(doneAttr), expression.Value(t.Now().Unix())).
		Remove(expression.Name("leaseUntil"))
	for name, v := range extra {
		upd = upd.Set(expression.Name(name), expression.Value(v))
	}
	for _, name := range remove {
		upd = upd.Remove(expression.Name(name))
	}
	return t.Update(ctx, k, upd, Exists(), nil)
}
