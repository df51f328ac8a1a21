package erasure_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/erasure"
)

// R15.4, R14.2 (issue 13): Cognito failing in the erasure's users step (its
// AdminDeleteUser throttled past the SDK's retries, twice) fails the job's
// task there; the task runner's retry resumes the job at that step and it
// ends with no identity left. From the request on, nobody logs in: not the
// head, not the member, neither while the step fails nor after.
func TestErasureUsersStepUnderCognitoFaults(t *testing.T) {
	e := testenv.Get(t)
	f := newFamily(t, e, false)
	m := addMember(t, e, f)
	secrets := append(f.secrets(), m.secrets()...)

	var mu sync.Mutex
	var steps []string
	defer erasure.SetAfterStep(func(s erasure.Step) error {
		mu.Lock()
		defer mu.Unlock()
		steps = append(steps, string(s))
		return nil
	})()
	refused := func(when string) {
		t.Helper()
		for _, email := range []string{f.Email, m.Email} {
			res := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": testenv.ResidentPassword})
			if p := res.Expect(t, 401).Problem(t); p.Code != "invalid_credentials" {
				t.Fatalf("login %s: %+v", when, p)
			}
		}
	}
	e.FailNext("AdminDeleteUser", 2)
	e.Call(t, "DELETE", "/account", f.Token, map[string]string{"password": testenv.ResidentPassword}).Expect(t, 204)
	refused("right after the request")
	until(t, "the users step meets both failures", func() bool { return e.Armed("AdminDeleteUser") == 0 })
	refused("after the users step failed")

	waitErased(t, e, f.Email)
	refused("after the erasure")
	assertGone(t, e, secrets)
	mu.Lock()
	got := strings.Join(steps, ",")
	mu.Unlock()
	// The failed step records nothing: it ran again (to its end) on retry.
	if want := "links,files,users,partitions,accounts"; got != want {
		t.Fatalf("steps recorded %s, want %s", got, want)
	}
}
