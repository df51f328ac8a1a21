package auth_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// Issue 7, item 10: anonymous callers do not share one key space. A second
// registrant who happens to send the same Idempotency-Key is registered, not
// refused; a retry of the same body is still a replay (R1.1).
func TestAnonymousIdempotencyKeysDoNotCollide(t *testing.T) {
	e := testenv.Get(t)
	key := "a3c9e7d1-0b4f-4e2a-8c6d-" + "111111111111"
	first, second := testenv.Email("first"), testenv.Email("second")
	e.Call(t, "POST", "/auth/register", "", registration(first), "Idempotency-Key", key).Expect(t, 202)
	res := e.Call(t, "POST", "/auth/register", "", registration(second), "Idempotency-Key", key).Expect(t, 202)
	if res.Header.Get("Idempotent-Replayed") != "" {
		t.Fatal("another registrant's request was answered as a replay")
	}
	for _, email := range []string{first, second} {
		tok := e.WaitMail(t, email, 1).LinkToken(t, "/activate")
		e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": tok}).Expect(t, 204)
		login(t, e, email, pw)
	}
	replay := e.Call(t, "POST", "/auth/register", "", registration(second), "Idempotency-Key", key).Expect(t, 202)
	if replay.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("a retry of the same body is not a replay")
	}
}
