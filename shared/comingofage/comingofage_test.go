package comingofage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type summary struct {
	Day       string `json:"day"`
	ItemsRead int    `json:"itemsRead"`
	Mails     int    `json:"mails"`
	Skipped   int    `json:"skipped"`
	Failed    int    `json:"failed"`
}

func runJob(t *testing.T, e *testenv.Env, now time.Time) summary {
	t.Helper()
	var a struct {
		Summary summary `json:"summary"`
		Error   string  `json:"error"`
	}
	e.Call(t, "POST", "/_local/jobs/coming-of-age", "", map[string]string{"now": now.Format(time.RFC3339)}).Expect(t, 200).Decode(t, &a)
	if a.Error != "" || a.Summary.Day != citytime.Today(now) {
		t.Fatalf("run for %s: %+v %q", now, a.Summary, a.Error)
	}
	return a.Summary
}

// child puts a child without an e-mail in a head's household, as adding a
// member does (with its birthday's index entry).
func child(t *testing.T, e *testenv.Env, householdID, name, birthDate string) string {
	t.Helper()
	id := ulid.Make().String()
	if err := store.Of(e.Deps).Put(context.Background(), &profile.Profile{Key: store.ProfileKey(householdID, id),
		Index2: profile.BirthdayIndex(birthDate, id), ProfileID: id, HouseholdID: householdID, FirstName: name,
		LastName: "Nowak", BirthDate: birthDate, Relationship: "child", Status: "active", CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	return id
}

// mails are the coming-of-age mails written to an account.
func mails(t *testing.T, e *testenv.Env, accountID string) []outbox.Item {
	t.Helper()
	var items []outbox.Item
	if _, err := store.Of(e.Deps).Query(context.Background(), store.QueryInput{Index: store.GSI2,
		KeyCond: expression.Key("GSI2PK").Equal(expression.Value(store.OwnerPK(accountID)))}, &items); err != nil {
		t.Fatal(err)
	}
	var out []outbox.Item
	for _, it := range items {
		if it.Template == outbox.ComingOfAge {
			out = append(out, it)
		}
	}
	return out
}

// R15.6: the head is mailed once when a child without an e-mail turns 18,
// not before; a rerun mails nothing new; a missed day is caught up.
func TestHeadMailedWhenAChildTurns18(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	var acc struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", h.Token, nil).Expect(t, 200).Decode(t, &acc)
	child(t, e, h.ProfileID, "Ola", "2008-09-14")
	child(t, e, h.ProfileID, "Jaś", "2008-09-15")
	at := func(d string) time.Time {
		day, _ := citytime.ParseDay(d)
		return citytime.Start(day).Add(8 * time.Hour)
	}

	if s := runJob(t, e, at("2026-09-13")); s.Mails != 0 || len(mails(t, e, acc.AccountID)) != 0 {
		t.Fatalf("the day before: %+v", s)
	}
	if s := runJob(t, e, at("2026-09-14")); s.Mails != 1 || s.Failed != 0 {
		t.Fatalf("Ola's birthday: %+v", s)
	}
	got := mails(t, e, acc.AccountID)
	if len(got) != 1 || got[0].Data["firstName"] != "Ola" {
		t.Fatalf("mails: %+v", got)
	}
	if s := runJob(t, e, at("2026-09-14")); s.Mails != 0 || s.Failed != 0 || len(mails(t, e, acc.AccountID)) != 1 {
		t.Fatalf("rerun: %+v", s)
	}
	// The job missed Jaś's birthday; two days later it catches up, once.
	if s := runJob(t, e, at("2026-09-17")); s.Mails != 1 || s.Failed != 0 {
		t.Fatalf("late: %+v", s)
	}
	if s := runJob(t, e, at("2026-09-18")); s.Mails != 0 {
		t.Fatalf("after: %+v", s)
	}
	if got := mails(t, e, acc.AccountID); len(got) != 2 {
		t.Fatalf("mails: %+v", got)
	}
	m := e.WaitMail(t, h.Email, 2)
	for i := 1; !strings.Contains(m.Subject, "kończy 18 lat"); i++ {
		m = e.WaitMail(t, h.Email, i)
	}
	if !strings.Contains(m.Body.Text, testenv.PortalURL+"/family") {
		t.Fatalf("mail: %+v", m)
	}
}
