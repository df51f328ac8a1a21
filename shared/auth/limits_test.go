package auth_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// limited asserts a 429 rate_limited with a Retry-After within the window,
// and returns the problem without its request id (for comparing answers).
func limited(t *testing.T, res *testenv.Resp, window int) string {
	t.Helper()
	res.Expect(t, 429)
	if p := res.Problem(t); p.Code != "rate_limited" {
		t.Fatalf("code %s", p.Code)
	}
	after, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || after < 1 || after > window {
		t.Fatalf("Retry-After %q, want 1…%d", res.Header.Get("Retry-After"), window)
	}
	body := string(res.Body)
	return body[:strings.Index(body, `"requestId"`)]
}

// API.md "Limits", R2.2, R1.4: after 5 failed logins for an e-mail within 15
// minutes, every attempt for it is 429 with Retry-After — the right password
// too — and an e-mail without an account is answered exactly alike.
func TestLoginFailuresLimit(t *testing.T) {
	e := testenv.Get(t)
	known, _ := resident(t, e)
	unknown := testenv.Email("nobody")
	answers := map[string]string{}
	for _, email := range []string{known, unknown} {
		for i := range 5 {
			p := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": "Zle-Haslo-2026"}).Expect(t, 401).Problem(t)
			if p.Code != "invalid_credentials" {
				t.Fatalf("failure %d for %s: %s", i+1, email, p.Code)
			}
		}
		answers[email] = limited(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": "Zle-Haslo-2026"}), 900)
	}
	if answers[known] != answers[unknown] {
		t.Fatalf("the limit tells an account from none:\n%s\n%s", answers[known], answers[unknown])
	}
	// The right password is refused while the limit holds.
	limited(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": strings.ToUpper(known), "password": pw}), 900)
	// Another e-mail, from the same sources, logs in.
	other, _ := resident(t, e)
	e.Call(t, "POST", "/auth/login", "", map[string]string{"email": other, "password": pw}).Expect(t, 200)
}

// API.md "Limits", R1.4, R3.1: registration, resend and forgot-password are
// limited per e-mail (5 an hour; registration 10), the same for an e-mail with an account and
// one without.
func TestMailRoutesLimitPerEmail(t *testing.T) {
	e := testenv.Get(t)
	taken, _ := resident(t, e)
	for _, route := range []string{"/auth/register", "/auth/activation/resend", "/auth/password/forgot"} {
		answers := map[string]string{}
		for _, email := range []string{taken, testenv.Email("fresh")} {
			body := map[string]any{"email": email}
			if route == "/auth/register" {
				body = registration(email)
			}
			n := 5
			if route == "/auth/register" {
				n = 10 // routes.RegisterLimits: retries count
			}
			if route == "/auth/register" && email == taken {
				n-- // its own registration counted
			}
			for i := range n {
				if res := e.Call(t, "POST", route, "", body); res.Status != 202 {
					t.Fatalf("%s #%d for %s: %d %s", route, i+1, email, res.Status, res.Body)
				}
			}
			answers[email] = limited(t, e.Call(t, "POST", route, "", body), 3600)
		}
		if len(answers) != 2 || answers[taken] == "" {
			t.Fatalf("%s: %v", route, answers)
		}
		var bodies []string
		for _, a := range answers {
			bodies = append(bodies, a)
		}
		if bodies[0] != bodies[1] {
			t.Fatalf("%s: the limit tells an account from none:\n%s\n%s", route, bodies[0], bodies[1])
		}
	}
}

// API.md "Limits": registration is limited per source address (the
// gateway's, never a client's header): 20 an hour, taken before Cognito is
// touched; another address goes on.
func TestRegisterLimitPerSourceIP(t *testing.T) {
	e := testenv.Get(t)
	const ip = "127.9.0.1"
	for i := range 20 {
		// A forwarded-for header changes nothing: the gateway's address counts.
		e.CallFrom(t, ip, "POST", "/auth/register", "", registration(testenv.Email("ip")), "X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i)).Expect(t, 202)
	}
	email := testenv.Email("ip-over")
	limited(t, e.CallFrom(t, ip, "POST", "/auth/register", "", registration(email), "X-Forwarded-For", "10.1.1.1"), 3600)
	// Nothing was made for the refused one: the e-mail registers from elsewhere.
	e.CallFrom(t, "127.9.0.2", "POST", "/auth/register", "", registration(email)).Expect(t, 202)
	e.WaitMail(t, email, 1)
}

// API.md "Limits", R1.3: guessing activation tokens is limited per source
// address (30 an hour).
func TestActivateLimitPerSourceIP(t *testing.T) {
	e := testenv.Get(t)
	const ip = "127.9.1.1"
	for range 30 {
		e.CallFrom(t, ip, "POST", "/auth/activate", "", map[string]string{"token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}).Expect(t, 410)
	}
	limited(t, e.CallFrom(t, ip, "POST", "/auth/activate", "", map[string]string{"token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}), 3600)
	e.CallFrom(t, "127.9.1.2", "POST", "/auth/activate", "", map[string]string{"token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}).Expect(t, 410)
}
