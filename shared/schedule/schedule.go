// Package schedule holds what the daily jobs share: the event a run starts
// from, and the adapter from a run for an instant to a job's handler.
package schedule

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// Event is a run's input: the instant it runs for (the schedule's time; the
// local trigger's "now"), the clock's when absent.
type Event struct {
	Now *time.Time `json:"now,omitempty"`
}

// Job is a daily job's handler from its run: the event is decoded, the
// instant chosen, and the run's summary answered.
func Job[S any](name string, run func(ctx context.Context, d *platform.Deps, now time.Time) (S, error)) func(*platform.Deps) func(context.Context, json.RawMessage) (any, error) {
	return func(d *platform.Deps) func(context.Context, json.RawMessage) (any, error) {
		return func(ctx context.Context, raw json.RawMessage) (any, error) {
			var ev Event
			if len(raw) > 0 && string(raw) != "null" {
				if err := json.Unmarshal(raw, &ev); err != nil {
					return nil, fmt.Errorf("%s: event: %w", name, err)
				}
			}
			now := d.Now()
			if ev.Now != nil {
				now = *ev.Now
			}
			return run(ctx, d, now)
		}
	}
}
