package comingofage

import (
	"slices"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/shared/citytime"
)

// R15.6: someone born on 29 February turns 18 on 1 March of a common year.
func TestBirthDates(t *testing.T) {
	day := func(s string) time.Time { d, _ := citytime.ParseDay(s); return d }
	cases := map[string][]string{
		"2026-06-15": {"2008-06-15"},
		"2026-03-01": {"2008-03-01", "2008-02-29"},
		"2028-03-01": {"2010-03-01"},
		"2028-02-29": {"2010-02-29"},
	}
	for d, want := range cases {
		if got := birthDates(day(d)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", d, got, want)
		}
	}
}
