package signup

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/kartamieszkanca/platform/shared/httpapi"
)

// pacer keeps the answer time of registration from telling a taken e-mail
// from a new one (R1.4). A new e-mail costs Cognito calls that a taken one
// does not, so every answer waits until the time new registrations have
// lately been taking (their 90th percentile), and a new registration that
// is quicker than that waits too. Before enough are measured, a default
// stands in that is above what a new registration takes.
type pacer struct {
	mu     sync.Mutex
	recent []time.Duration
	next   int
}

const (
	paceWindow   = 64 // new registrations remembered
	paceMinimum  = 8  // measured ones needed before they set the pace
	paceQuantile = 0.9
	paceDefault  = 400 * time.Millisecond
)

var pace = &pacer{}

// observe records how long a new registration took.
func (p *pacer) observe(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.recent) < paceWindow {
		p.recent = append(p.recent, d)
		return
	}
	p.recent[p.next] = d
	p.next = (p.next + 1) % paceWindow
}

// target is how long an answer takes at least.
func (p *pacer) target() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.recent) < paceMinimum {
		return paceDefault
	}
	s := slices.Clone(p.recent)
	slices.Sort(s)
	return s[int(paceQuantile*float64(len(s)-1))]
}

// answer returns resp once the target time since start has passed.
func (p *pacer) answer(ctx context.Context, start time.Time, resp *httpapi.Response) (*httpapi.Response, error) {
	p.wait(ctx, start)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return resp, nil
}

// after is a new registration's last step, run once its transaction is
// written (which costs more than a taken e-mail's): it records how long the
// registration took, then waits out the target like the other paths.
func (p *pacer) after(start time.Time) func(context.Context) {
	return func(ctx context.Context) {
		p.observe(time.Since(start))
		p.wait(ctx, start)
	}
}

func (p *pacer) wait(ctx context.Context, start time.Time) {
	t := time.NewTimer(p.target() - time.Since(start))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
