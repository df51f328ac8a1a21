package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// Registration timing (R1.4): a taken e-mail must not answer in another time
// than a new one.
const (
	timingRequests = 40   // per kind
	timingBudget   = 0.10 // the medians may differ by this share of the larger
)

// timingResult is the answer times of registrations of new and of taken
// e-mails, in milliseconds.
type timingResult struct {
	New, Taken []float64
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// Ratio is the taken median over the new median.
func (t timingResult) Ratio() float64 {
	if median(t.New) == 0 {
		return 0
	}
	return median(t.Taken) / median(t.New)
}

// Within: the medians differ by at most timingBudget of the larger.
func (t timingResult) Within() bool {
	a, b := median(t.New), median(t.Taken)
	return max(a, b) > 0 && (max(a, b)-min(a, b))/max(a, b) <= timingBudget
}

// registrationTiming registers timingRequests e-mails (unmeasured: they make
// the taken ones and warm the platform up), then, taking turns, registers
// that many new e-mails and the taken ones again, timing each answer as a
// client sees it through the local gateway. Each taken e-mail is tried once,
// as someone probing addresses would, so each gets its owner's notice mail.
func registrationTiming(ctx context.Context) (timingResult, error) {
	var res timingResult
	env, stop, err := testenv.Start(ctx)
	if err != nil {
		return res, err
	}
	defer stop()
	t := tb{}
	err = catch(func() {
		taken := make([]string, timingRequests)
		for i := range taken {
			taken[i] = testenv.Email("taken")
			env.Call(t, "POST", "/auth/register", "", testenv.Registration(taken[i])).Expect(t, 202)
		}
		timed := func(email string) float64 {
			start := time.Now()
			env.Call(t, "POST", "/auth/register", "", testenv.Registration(email)).Expect(t, 202)
			return float64(time.Since(start).Microseconds()) / 1000
		}
		for i := range timingRequests {
			if ctx.Err() != nil {
				t.Fatal(ctx.Err())
			}
			if i%2 == 0 {
				res.New = append(res.New, timed(testenv.Email("new")))
				res.Taken = append(res.Taken, timed(taken[i]))
			} else {
				res.Taken = append(res.Taken, timed(taken[i]))
				res.New = append(res.New, timed(testenv.Email("new")))
			}
		}
	})
	return res, err
}

func (r *report) timingSection(p func(string, ...any)) {
	p("## Registration timing (R1.4)")
	p("")
	if r.TimingErr != "" {
		p("Not measured: %s", r.TimingErr)
		p("")
		return
	}
	p("`POST /auth/register` through the local gateway (DynamoDB Local, cognito-local), timed as the client sees it: "+
		"%d registrations of new e-mails and %d of e-mails that have an account (each tried once), taking turns, "+
		"after %d unmeasured registrations that made the taken e-mails. A taken e-mail must not tell itself by time: "+
		"budget, medians within %.0f%% of each other.", timingRequests, timingRequests, timingRequests, 100*timingBudget)
	p("")
	p("%s", r.Timing.table())
	p("")
}

func (t timingResult) table() string {
	verdict := "ok"
	if !t.Within() {
		verdict = "**over budget**"
	}
	line := func(name string, xs []float64) string {
		return fmt.Sprintf("| %s | %d | %.1f | %.1f–%.1f |", name, len(xs), median(xs), slices.Min(xs), slices.Max(xs))
	}
	return fmt.Sprintf("| E-mail | Requests | Median (ms) | Min–max (ms) |\n|---|--:|--:|--:|\n%s\n%s\n\nTaken / new: %.3f (%s).",
		line("new", t.New), line("taken", t.Taken), t.Ratio(), verdict)
}
