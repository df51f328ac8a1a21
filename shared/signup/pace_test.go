package signup

import (
	"testing"
	"time"
)

// R1.4: the pace registration answers at is the default until enough new
// registrations were measured, then their 90th percentile, over the recent
// ones only. (Answer times themselves are measured by `make bench`.)
func TestPaceTarget(t *testing.T) {
	p := &pacer{}
	for i := 1; i < paceMinimum; i++ {
		p.observe(time.Duration(i) * time.Millisecond)
	}
	if got := p.target(); got != paceDefault {
		t.Fatalf("target with %d measured: %v, want the default", paceMinimum-1, got)
	}
	for i := 1; i <= 100; i++ {
		p.observe(time.Duration(i) * time.Millisecond)
	}
	// The window holds 37..100 ms; its 90th percentile is the 57th of 64.
	if got, want := p.target(), 93*time.Millisecond; got != want {
		t.Fatalf("target %v, want %v", got, want)
	}
}
