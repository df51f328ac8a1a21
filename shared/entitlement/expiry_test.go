package entitlement_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/store"
)

type summary struct {
	Day       string         `json:"day"`
	ItemsRead int            `json:"itemsRead"`
	Due       int            `json:"due"`
	Notices   map[string]int `json:"notices"`
	Mails     int            `json:"mails"`
	Skipped   int            `json:"skipped"`
	Failed    int            `json:"failed"`
}

// at2 is 02:00 in Warsaw on a day, when the schedule runs the job.
func at2(day time.Time) time.Time { return citytime.Start(day).Add(2 * time.Hour) }

// runJob runs the job through the local trigger, as the schedule would at now.
func runJob(t *testing.T, e *testenv.Env, now time.Time) summary {
	t.Helper()
	var a struct {
		Summary summary `json:"summary"`
		Error   string  `json:"error"`
	}
	e.Call(t, "POST", "/_local/jobs/entitlements-expiry", "", map[string]string{"now": now.Format(time.RFC3339)}).Expect(t, 200).Decode(t, &a)
	if a.Summary.Day != citytime.Today(now) {
		t.Fatalf("the run's day %q for %s", a.Summary.Day, now)
	}
	return a.Summary
}

// notices are the expiry mails written for an address, oldest first.
func notices(t *testing.T, e *testenv.Env, to string) []outbox.Item {
	t.Helper()
	var out []outbox.Item
	for _, m := range e.Outbox(t, to) {
		if m.Template == outbox.EntitlementExpiry {
			out = append(out, m)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].CreatedAt.Before(out[j-1].CreatedAt); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// R13.1: reminders 30, 7 and 1 days before the last day and one mail when
// expired, each once, one mail per recipient and run listing the packages;
// reruns on the same day send nothing new.
func TestExpiryReminders(t *testing.T) {
	e := testenv.Get(t)
	h, _ := e.CardHolder(t, nil) // transport and culture, to the same day
	ps, _ := packages(t, e, h.Token, "me")
	last, _ := citytime.ParseDay(ps[0].ValidTo)
	steps := []struct {
		offset int
		mails  int
		text   string
	}{
		{-31, 0, ""},
		{-30, 1, "zostało 30 dni"},
		{-30, 1, ""}, // rerun
		{-29, 1, ""},
		{-7, 2, "zostało 7 dni"},
		{-7, 2, ""},
		{-1, 3, "został 1 dzień"},
		{0, 3, ""},
		{1, 4, "wygasł " + ps[0].ValidTo},
		{1, 4, ""},
		{30, 4, ""},
	}
	for _, s := range steps {
		sum := runJob(t, e, at2(last.AddDate(0, 0, s.offset)))
		got := notices(t, e, h.Email)
		if len(got) != s.mails {
			t.Fatalf("day %+d: %d mails (run %+v), want %d", s.offset, len(got), sum, s.mails)
		}
		if s.text == "" {
			continue
		}
		m := got[len(got)-1].Data
		if !strings.Contains(m["packages"], s.text) || !strings.Contains(m["packages"], "Komunikacja miejska") ||
			!strings.Contains(m["packages"], "Kultura") || !strings.Contains(m["packages"], "(Anna)") {
			t.Fatalf("day %+d: mail lists %q", s.offset, m["packages"])
		}
		if (s.offset > 0) != (m["expiredOnly"] == "true") {
			t.Fatalf("day %+d: expiredOnly %q", s.offset, m["expiredOnly"])
		}
	}
	// The mail goes out through SES, in Polish.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var subjects []string
		for _, m := range e.Mails(t, h.Email) {
			subjects = append(subjects, m.Subject)
		}
		if strings.Contains(strings.Join(subjects, "|"), "Twoje uprawnienia Karty Mieszkańca wygasły") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no expiry mail sent: %v", subjects)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// grant makes entitlements as an accepted application does, on a chosen day,
// for a recipient (the job's tests need days a request cannot choose).
func grant(t *testing.T, e *testenv.Env, profileID, email, holder string, on time.Time, pkgs ...string) {
	t.Helper()
	all, err := entitlement.Packages(context.Background(), store.Of(e.Deps))
	if err != nil {
		t.Fatal(err)
	}
	tx := &store.Tx{}
	for _, id := range pkgs {
		p, _ := all.Find(id)
		entitlement.Renew(tx, nil, p, entitlement.Grant{ProfileID: profileID, HouseholdID: profileID, NotifyEmail: email,
			HolderName: holder, ApplicationID: "a", Now: on})
	}
	if err := store.Of(e.Deps).Commit(context.Background(), tx); err != nil {
		t.Fatal(err)
	}
}

// R13.1: a run that fails in the middle (a write refused) fails as a whole
// for a retry, and the rerun writes what is missing, nothing twice.
func TestExpiryFailureInTheMiddle(t *testing.T) {
	e := testenv.Get(t)
	granted := time.Date(2030, 1, 10, 12, 0, 0, 0, time.UTC)
	a, b := testenv.Email("exp-a"), testenv.Email("exp-b")
	grant(t, e, ulid.Make().String(), a, "Anna", granted, "sport")
	grant(t, e, ulid.Make().String(), b, "Bartek", granted, "sport")
	last := citytime.Day(granted).AddDate(0, 12, -1)
	day := at2(last.AddDate(0, 0, -30))

	var writes atomic.Int64
	faulty := dynamodb.NewFromConfig(e.AWS, func(o *dynamodb.Options) {
		o.DisableValidateResponseChecksum = true
		o.RetryMaxAttempts = 1
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("failSecondWrite",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					if middleware.GetOperationName(ctx) == "TransactWriteItems" && writes.Add(1) == 2 {
						return middleware.InitializeOutput{}, middleware.Metadata{}, errors.New("injected: the write never reached the table")
					}
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	})
	job := &entitlement.Expiry{Table: &store.Table{DB: faulty, Name: e.Resources.Table, Now: time.Now}, PortalURL: testenv.PortalURL, Log: e.Deps.Log}
	sum, err := job.Run(context.Background(), day)
	if err == nil || sum.Failed != 1 || sum.Mails < 1 {
		t.Fatalf("the faulty run: %+v, %v", sum, err)
	}
	if n := len(notices(t, e, a)) + len(notices(t, e, b)); n != 1 {
		t.Fatalf("after the faulty run %d mails, want 1", n)
	}
	rerun := runJob(t, e, day)
	if rerun.Failed != 0 || rerun.Mails != 1 {
		t.Fatalf("rerun %+v", rerun)
	}
	if len(notices(t, e, a)) != 1 || len(notices(t, e, b)) != 1 {
		t.Fatalf("mails a %d, b %d", len(notices(t, e, a)), len(notices(t, e, b)))
	}
	if again := runJob(t, e, day); again.Mails != 0 || again.Due != 0 {
		t.Fatalf("a third run on the day: %+v", again)
	}
}

// R13.1: a run missed for days sends the most urgent notice only; a
// household's entitlements go to the one who applied, in one mail.
func TestExpiryLateRunAndHousehold(t *testing.T) {
	e := testenv.Get(t)
	granted := time.Date(2031, 3, 3, 12, 0, 0, 0, time.UTC)
	head, child := ulid.Make().String(), ulid.Make().String()
	to := testenv.Email("exp-head")
	grant(t, e, head, to, "Anna", granted, "transport")
	grant(t, e, child, to, "Jan", granted, "culture", "sport")
	last := citytime.Day(granted).AddDate(0, 12, -1)
	sum := runJob(t, e, at2(last.AddDate(0, 0, -5)))
	got := notices(t, e, to)
	if len(got) != 1 || sum.Notices["7d"] < 3 {
		t.Fatalf("late run: %d mails, %+v", len(got), sum)
	}
	text := got[0].Data["packages"]
	for _, want := range []string{"(Anna)", "(Jan)", "zostało 5 dni", "Komunikacja", "Kultura", "Sport"} {
		if !strings.Contains(text, want) {
			t.Errorf("mail lacks %q: %s", want, text)
		}
	}
	if strings.Contains(text, "30 dni") {
		t.Errorf("a missed 30-day reminder was sent late: %s", text)
	}
	runJob(t, e, at2(last.AddDate(0, 0, -1)))
	if got := notices(t, e, to); len(got) != 2 || !strings.Contains(got[1].Data["packages"], "został 1 dzień") {
		t.Fatalf("next run: %+v", got)
	}
}

// R13.1: a recipient with more notices than one mail's transaction holds gets
// them in as many mails as needed, each written once.
func TestExpiryManyNoticesForOneRecipient(t *testing.T) {
	e := testenv.Get(t)
	granted := time.Date(2032, 9, 9, 12, 0, 0, 0, time.UTC)
	to := testenv.Email("exp-many")
	for range 60 {
		grant(t, e, ulid.Make().String(), to, "Jan", granted, "sport")
	}
	day := at2(citytime.Day(granted).AddDate(0, 12, -1).AddDate(0, 0, -30))
	sum := runJob(t, e, day)
	if got := notices(t, e, to); len(got) != 2 || sum.Notices["30d"] < 60 {
		t.Fatalf("%d mails, run %+v", len(got), sum)
	}
	if again := runJob(t, e, day); again.Mails != 0 || len(notices(t, e, to)) != 2 {
		t.Fatalf("rerun %+v", again)
	}
}
