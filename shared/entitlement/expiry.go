package entitlement

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/schedule"
	"github.com/kartamieszkanca/platform/shared/store"
)

// ExpiryJobName is the daily job's function.
const ExpiryJobName = "entitlements-expiry"

// Expiry is the daily job (R13.1): reminders 30, 7 and 1 days before an
// entitlement's last day and one mail when it has expired, each at most once,
// one mail per recipient and run listing the packages. It reads only the due
// index: its cost follows the entitlements with a notice due, not the residents.
type Expiry struct {
	Table     *store.Table
	PortalURL string
	Log       *slog.Logger
}

// Summary is what a run did.
type Summary struct {
	Day string `json:"day"`
	// ItemsRead are the entitlements the run read (the index, and fresh reads
	// of those that changed under it).
	ItemsRead int `json:"itemsRead"`
	// Due are the entitlements with a notice due; Notices counts the notices
	// written by kind, Mails the mails.
	Due     int            `json:"due"`
	Notices map[string]int `json:"notices"`
	Mails   int            `json:"mails"`
	// Skipped are due entitlements another change (an extension, a run at the
	// same time) took care of; Failed are recipients whose mail and marks could
	// not be written (the run fails, and a rerun writes them).
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
	// ReadMs and WriteMs are the run's time reading the index and writing the
	// mails, for the logs and the bench.
	ReadMs  int64 `json:"readMs"`
	WriteMs int64 `json:"writeMs"`
}

// ExpiryJob is the entitlements-expiry function's handler.
var ExpiryJob = schedule.Job(ExpiryJobName, func(ctx context.Context, d *platform.Deps, now time.Time) (Summary, error) {
	return (&Expiry{Table: store.Of(d), PortalURL: d.Config.PortalURL, Log: d.Log}).Run(ctx, now)
})

// dueNotice is a notice to send for an entitlement.
type dueNotice struct {
	e    Entitlement
	kind string
	// after is the entitlement with its next notice scheduled.
	after Entitlement
}

// noticeDue says which notice an entitlement is due on a day: the latest one
// whose day has come, from its pending one on (a run missed for days sends the
// most urgent only). ok is false when none is due.
func noticeDue(e *Entitlement, today time.Time) (dueNotice, bool) {
	start := index(e.Notice)
	to, err := citytime.ParseDay(e.ValidTo)
	if start < 0 || err != nil {
		return dueNotice{}, false
	}
	k := -1
	for i := start; i < len(NoticeKinds); i++ {
		if !noticeDay(to, i).After(today) {
			k = i
		}
	}
	if k < 0 {
		return dueNotice{}, false
	}
	after := *e
	if kind, day, ok := next(to, today, k+1); ok {
		after.setNotice(kind, day)
	} else {
		after.unschedule()
	}
	return dueNotice{e: *e, kind: NoticeKinds[k].Kind, after: after}, true
}

// batch is the most notices one mail carries: its transaction holds the mail
// and one change per entitlement (DynamoDB takes 100 writes).
const batch = 50

var (
	errStale = errors.New("entitlement: changed since it was read")
	errSent  = errors.New("entitlement: this mail was written already")
)

// Run runs the job for the city day of now.
func (j *Expiry) Run(ctx context.Context, now time.Time) (Summary, error) {
	today := citytime.Day(now)
	sum := Summary{Day: today.Format(time.DateOnly), Notices: map[string]int{}}
	var due []dueNotice
	began := time.Now()
	for shard := range DueShards {
		es, err := dueIn(ctx, j.Table, shard, today)
		if err != nil {
			return sum, err
		}
		sum.ItemsRead += len(es)
		for i := range es {
			if n, ok := noticeDue(&es[i], today); ok {
				due = append(due, n)
			}
		}
	}
	sum.Due = len(due)
	sum.ReadMs = time.Since(began).Milliseconds()
	began = time.Now()
	// One mail per recipient (the account that applied: a child's head).
	byTo := map[string][]dueNotice{}
	for _, n := range due {
		byTo[n.e.NotifyEmail] = append(byTo[n.e.NotifyEmail], n)
	}
	recipients := make([]string, 0, len(byTo))
	for to := range byTo {
		recipients = append(recipients, to)
	}
	sort.Strings(recipients)
	var failed error
	for _, to := range recipients {
		ns := byTo[to]
		for start := 0; start < len(ns); start += batch {
			part := ns[start:min(start+batch, len(ns))]
			if err := j.send(ctx, to, part, now, today, &sum); err != nil {
				sum.Failed++
				failed = err
				j.Log.ErrorContext(ctx, "expiry notices not written", slog.Int("notices", len(part)), slog.String("error", apierr.Redact(err)))
			}
		}
	}
	sum.WriteMs = time.Since(began).Milliseconds()
	if failed != nil {
		return sum, fmt.Errorf("entitlements-expiry: %d of the run's mails were not written (a rerun writes them): %w", sum.Failed, failed)
	}
	return sum, nil
}

// send writes one recipient's mail with the marks of its notices in one
// transaction. An entitlement that changed since the index was read (an
// extension, another run) is read again, and the rest is sent without it.
func (j *Expiry) send(ctx context.Context, to string, ns []dueNotice, now, today time.Time, sum *Summary) error {
	for attempt := 0; ; attempt++ {
		if len(ns) == 0 {
			return nil
		}
		err := j.Table.Commit(ctx, noticeTx(to, ns, now, today, j.PortalURL))
		switch {
		case err == nil:
			sum.Mails++
			for _, n := range ns {
				sum.Notices[n.kind]++
			}
			return nil
		case errors.Is(err, errSent):
			sum.Skipped += len(ns)
			return nil
		case !errors.Is(err, errStale) || attempt == 2:
			return err
		}
		keys := make([]store.Key, len(ns))
		for i, n := range ns {
			keys[i] = n.e.Key
		}
		var fresh []Entitlement
		if err := j.Table.GetMany(ctx, keys, &fresh); err != nil {
			return err
		}
		sum.ItemsRead += len(fresh)
		var still []dueNotice
		for i := range fresh {
			if n, ok := noticeDue(&fresh[i], today); ok && fresh[i].NotifyEmail == to {
				still = append(still, n)
			}
		}
		sum.Skipped += len(ns) - len(still)
		ns = still
	}
}

// noticeTx is a recipient's mail and the marks of its notices: each
// entitlement moves to its next notice, conditioned on the version read, so a
// notice is written at most once, whatever reruns or retries do.
func noticeTx(to string, ns []dueNotice, now, today time.Time, portal string) *store.Tx {
	tx := &store.Tx{}
	sort.Slice(ns, func(i, j int) bool { return ns[i].e.SK+ns[i].e.PK < ns[j].e.SK+ns[j].e.PK })
	var lines []string
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", to)
	expiredOnly := true
	for _, n := range ns {
		lines = append(lines, line(&n, today))
		fmt.Fprintf(h, "%s|%s|%s|%s\n", n.e.PK, n.e.SK, n.e.ValidTo, n.kind)
		if n.kind != "expired" {
			expiredOnly = false
		}
		tx.Change(n.e.Key, n.e.Version, noticeUpdate(expression.Set(expression.Name("noticeSentAt"), expression.Value(now.UTC())), &n.after),
			nil, errStale)
	}
	flag := ""
	if expiredOnly {
		flag = "true"
	}
	if to == "" {
		return tx // nobody to tell (no account applied): the marks only
	}
	// The id is the mail's content: a retry of a committed mail is refused.
	id := "expiry#" + today.Format(time.DateOnly) + "#" + hex.EncodeToString(h.Sum(nil))[:32]
	outbox.Enqueue(tx, now, id, outbox.EntitlementExpiry, to, map[string]string{
		"packages": strings.Join(lines, "\n"), "expiredOnly": flag, "link": portal + "/packages"}, errSent)
	return tx
}

// line describes a notice in the mail (Polish).
func line(n *dueNotice, today time.Time) string {
	who := ""
	if n.e.HolderName != "" {
		who = " (" + n.e.HolderName + ")"
	}
	if n.kind == "expired" {
		return "• " + n.e.Name + who + ": wygasł " + n.e.ValidTo
	}
	to, _ := citytime.ParseDay(n.e.ValidTo)
	days := int(to.Sub(today).Hours()/24 + 0.5)
	left := fmt.Sprintf("zostało %d dni", days)
	if days == 1 {
		left = "został 1 dzień"
	}
	return "• " + n.e.Name + who + ": ważny do " + n.e.ValidTo + ", " + left
}
