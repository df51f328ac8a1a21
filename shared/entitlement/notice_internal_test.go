package entitlement

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// R13.1: a new entitlement's first notice is the first whose day has not
// passed; a run sends the most urgent notice due and schedules the next; the
// expiry notice is the last, after which the entitlement leaves the index.
func TestNoticeSchedule(t *testing.T) {
	e := &Entitlement{ProfileID: "p", PackageID: "sport", ValidTo: "2027-06-30"}
	e.schedule(d("2026-07-01"))
	if e.Notice != "30d" || e.NoticeDue != "2027-05-31" || e.GSI2SK != "2027-05-31#p#sport" || e.GSI2PK == "" {
		t.Fatalf("new: %+v", e)
	}
	// Granted with 20 days left: no "30 days" reminder.
	late := &Entitlement{ValidTo: "2027-06-30"}
	late.schedule(d("2027-06-10"))
	if late.Notice != "7d" || late.NoticeDue != "2027-06-23" {
		t.Fatalf("late grant: %+v", late)
	}
	steps := []struct {
		today, kind, next, due string
		ok                     bool
	}{
		{"2027-05-30", "", "30d", "2027-05-31", false},
		{"2027-05-31", "30d", "7d", "2027-06-23", true},
		{"2027-06-23", "7d", "1d", "2027-06-29", true},
		{"2027-06-29", "1d", "expired", "2027-07-01", true},
		{"2027-06-30", "", "expired", "2027-07-01", false},
		{"2027-07-01", "expired", "", "", true},
	}
	for _, s := range steps {
		n, ok := noticeDue(e, d(s.today))
		if ok != s.ok || n.kind != s.kind {
			t.Fatalf("%s: due %q %v, want %q %v", s.today, n.kind, ok, s.kind, s.ok)
		}
		if ok {
			e = &n.after
		}
		if e.Notice != s.next || e.NoticeDue != s.due || (s.next == "" && e.GSI2PK != "") {
			t.Fatalf("%s: next %+v, want %s on %s", s.today, e, s.next, s.due)
		}
	}
	// A run missed for days sends the most urgent notice only.
	e = &Entitlement{ProfileID: "p", PackageID: "sport", ValidTo: "2027-06-30"}
	e.schedule(d("2026-07-01"))
	if n, _ := noticeDue(e, d("2027-06-25")); n.kind != "7d" || n.after.Notice != "1d" {
		t.Fatalf("missed runs: %+v", n)
	}
}

// R4.8: status boundaries and the extension window (R4.9).
func TestStatusAndExtendable(t *testing.T) {
	today := d("2026-03-10")
	for to, want := range map[string]string{"2026-04-10": Active, "2026-04-09": Expiring, "2026-03-10": Expiring, "2026-03-09": Expired} {
		e := &Entitlement{ValidFrom: "2025-01-01", ValidTo: to}
		if got := e.StatusOn(today); got != want {
			t.Errorf("validTo %s: %s, want %s", to, got, want)
		}
	}
	for to, want := range map[string]bool{"2026-04-10": false, "2026-04-09": true, "2025-12-10": true, "2025-12-09": false} {
		if got := (&Entitlement{ValidTo: to}).Extendable(today); got != want {
			t.Errorf("extendable with validTo %s: %v", to, got)
		}
	}
}
