package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// A route's abuse limits (routes.Limit) are counters in the table: one item
// per route, kind and subject, holding the count and the end of its window
// (which starts at the first request counted). Counting is one conditional
// update, in the change's own transaction where it can be (no extra round
// trip), so a refused request changes nothing; a window that is over is
// started anew on the next request, conditioned on the old end.

// Counter is one abuse limit's item as stored.
type Counter struct {
	store.Key
	Count     int   `dynamodbav:"count"`
	WindowEnd int64 `dynamodbav:"windowEnd"`
	TTL       int64 `dynamodbav:"ttl"`
}

type counter struct {
	limit routes.Limit
	key   store.Key
}

// limitHit is the failed condition of a counter.
type limitHit struct{ c counter }

func (h *limitHit) Error() string { return "rate limit reached" }

// countersOf are the request's counters, one per limit whose subject it has.
func (a *Adapter) countersOf(r *Request) []counter {
	var out []counter
	for _, l := range a.Route.Limits {
		subject := ""
		switch l.By {
		case routes.BySourceIP:
			subject = r.Event.RequestContext.HTTP.SourceIP
		case routes.ByEmail:
			var b struct {
				Email string `json:"email"`
			}
			_ = json.Unmarshal(r.Body, &b)
			subject = store.NormalizeEmail(b.Email)
		case routes.ByOrganization:
			if r.Account != nil {
				subject = r.Account.OrganizationID
			}
		}
		if subject != "" {
			out = append(out, counter{l, store.RateKey(a.Route.Function, string(l.By), subject)})
		}
	}
	return out
}

// count adds a request to a counter in tx: allowed while the window is open
// and below the limit (or there is no counter yet).
func count(tx *store.Tx, c counter, now time.Time) {
	end := now.Add(c.limit.Window).Unix()
	upd := expression.Add(expression.Name("count"), expression.Value(1)).
		Set(expression.Name("windowEnd"), expression.IfNotExists(expression.Name("windowEnd"), expression.Value(end))).
		Set(expression.Name("ttl"), expression.IfNotExists(expression.Name("ttl"), expression.Value(end+3600)))
	cond := expression.AttributeNotExists(expression.Name("PK")).
		Or(expression.Name("count").LessThan(expression.Value(c.limit.Max)).
			And(expression.Name("windowEnd").GreaterThan(expression.Value(now.Unix()))))
	tx.Update(c.key, upd, &cond, &limitHit{c})
}

// check asserts in tx that a counter allows one more request, without
// counting it (a limit of failures, on a success).
func check(tx *store.Tx, c counter, now time.Time) {
	cond := expression.AttributeNotExists(expression.Name("PK")).
		Or(expression.Name("count").LessThan(expression.Value(c.limit.Max))).
		Or(expression.Name("windowEnd").LessThanEqual(expression.Value(now.Unix())))
	tx.Check(c.key, cond, &limitHit{c})
}

// commitCounted commits tx, whose counters may refuse it: a counter whose
// window is over is started anew and tx committed once more; one that holds
// answers 429 rate_limited with Retry-After until its window ends.
func (a *Adapter) commitCounted(ctx context.Context, tx *store.Tx) error {
	for attempt := 0; ; attempt++ {
		err := a.Table.Commit(ctx, tx)
		var hit *limitHit
		if !errors.As(err, &hit) {
			return err
		}
		now := a.Table.Now()
		var got Counter
		if err := a.Table.Get(ctx, hit.c.key, &got); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if got.WindowEnd > now.Unix() || attempt == 2 {
			return limited(got.WindowEnd - now.Unix())
		}
		end := now.Add(hit.c.limit.Window).Unix()
		err = a.Table.Update(ctx, hit.c.key,
			expression.Set(expression.Name("count"), expression.Value(0)).
				Set(expression.Name("windowEnd"), expression.Value(end)).
				Set(expression.Name("ttl"), expression.Value(end+3600)),
			store.Cond(expression.Name("windowEnd").Equal(expression.Value(got.WindowEnd))), errRestarted)
		if err != nil && !errors.Is(err, errRestarted) {
			return err
		}
	}
}

// errRestarted: another request started the window anew first; fine.
var errRestarted = errors.New("window restarted")

func limited(retryAfter int64) error {
	return &apierr.Error{Code: apierr.RateLimited, Message: "Too many attempts; try again later.", RetryAfter: int(max(retryAfter, 1))}
}

// CommitCounted commits a handler's deciding write together with the
// counters of the route's limits marked Before (routes.Limit), at no round
// trip of their own: a handler that acts outside the table once this write
// commits (registration creates the Cognito identity) is refused by a limit
// that holds before it acts, with 429 and nothing written. Once tx commits
// (or a limit refuses it) they are counted; when tx fails otherwise, the
// response's write counts them, or the refusal's.
func (r *Request) CommitCounted(ctx context.Context, tx *store.Tx) error {
	if r.adapter == nil {
		return errors.New("httpapi: CommitCounted outside a request")
	}
	if !r.early {
		now := r.adapter.Table.Now()
		for _, c := range r.counters {
			if c.limit.Before {
				count(tx, c, now)
			}
		}
	}
	err := r.adapter.commitCounted(ctx, tx)
	if e := apierr.From(err); err == nil || (e != nil && e.Code == apierr.RateLimited) {
		r.early = true
	}
	return err
}

// countIn adds to a successful change's transaction what its limits take:
// a request counted, or a limit of failures checked. Limits marked Before
// are counted here when the handler's deciding write did not take them.
func countIn(tx *store.Tx, cs []counter, early bool, now time.Time) {
	for _, c := range cs {
		switch {
		case c.limit.Before && early:
		case c.limit.Failures:
			check(tx, c, now)
		default:
			count(tx, c, now)
		}
	}
}

// countRefused counts a request whose change wrote nothing (a 4xx answer,
// or an answer given instead of a lost write): on its own. Limits of
// failures count only a refusal. A limit that holds answers instead, so the
// answer is the same whether or not the e-mail has an account.
func (a *Adapter) countRefused(ctx context.Context, cs []counter, early, refused bool) error {
	tx := &store.Tx{}
	now := a.Table.Now()
	for _, c := range cs {
		if (c.limit.Before && early) || (c.limit.Failures && !refused) {
			continue
		}
		count(tx, c, now)
	}
	return a.commitCounted(ctx, tx)
}
