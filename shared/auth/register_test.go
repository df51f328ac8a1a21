package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/store"
)

func noAccount(t *testing.T, e *testenv.Env, email string) {
	t.Helper()
	var claim account.EmailClaim
	if err := store.Of(e.Deps).Get(context.Background(), store.EmailKey(email), &claim); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("%s has an account after a refused registration (err %v)", email, err)
	}
}

// R1.1, R1.2, R14.2: refused registrations answer a stable code and change nothing.
func TestRegisterRefusals(t *testing.T) {
	e := testenv.Get(t)
	cases := []struct {
		name   string
		edit   func(b map[string]any) any
		status int
		code   string
		field  string
	}{
		{"mandatory consent missing", func(b map[string]any) any {
			b["consents"] = []map[string]any{{"clauseId": "terms", "accepted": true}, {"clauseId": "residence", "accepted": true}}
			return b
		}, 422, "consent_required", "consents.gdpr"},
		{"mandatory consent declined", func(b map[string]any) any {
			b["consents"] = []map[string]any{{"clauseId": "terms", "accepted": true}, {"clauseId": "gdpr", "accepted": false}, {"clauseId": "residence", "accepted": true}}
			return b
		}, 422, "consent_required", "consents.gdpr"},
		{"unknown clause", func(b map[string]any) any {
			b["consents"] = append(b["consents"].([]map[string]any), map[string]any{"clauseId": "nope", "accepted": true})
			return b
		}, 422, "validation_failed", "consents.nope"},
		{"weak password", func(b map[string]any) any { b["password"] = "password1234"; return b }, 422, "password_policy", "password"},
		{"short password", func(b map[string]any) any { b["password"] = "Kr0tkie!"; return b }, 422, "password_policy", "password"},
		{"bad e-mail", func(b map[string]any) any { b["email"] = "anna@"; return b }, 422, "validation_failed", "email"},
		{"bad phone", func(b map[string]any) any { b["phone"] = "600 100 200"; return b }, 422, "validation_failed", "phone"},
		{"future birth date", func(b map[string]any) any { b["birthDate"] = "2090-01-01"; return b }, 422, "validation_failed", "birthDate"},
		{"missing name", func(b map[string]any) any { delete(b, "firstName"); return b }, 422, "validation_failed", "firstName"},
		{"unknown field", func(b map[string]any) any { b["role"] = "operator"; return b }, 400, "unknown_field", "role"},
		{"malformed", func(b map[string]any) any { return `{"email": "x@example.com",` }, 400, "malformed_json", ""},
		{"too large", func(b map[string]any) any { b["lastName"] = strings.Repeat("N", 70_000); return b }, 413, "payload_too_large", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			email := testenv.Email("refused")
			p := e.Call(t, "POST", "/auth/register", "", c.edit(registration(email))).Expect(t, c.status).Problem(t)
			if p.Code != c.code {
				t.Fatalf("code %q, want %q", p.Code, c.code)
			}
			if c.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != c.field) {
				t.Fatalf("errors %+v, want field %s", p.Errors, c.field)
			}
			noAccount(t, e, email)
		})
	}
}

// R1.4: an e-mail that has an account gets the same 202; its owner is told by
// mail, and no second account appears.
func TestRegisterExistingEmail(t *testing.T) {
	e := testenv.Get(t)
	email, tk := resident(t, e)
	var before struct{ AccountID string }
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200).Decode(t, &before)

	again := registration(strings.ToUpper(email))
	again["password"] = "Inne-Haslo-Kogos-Obcego-1"
	res := e.Call(t, "POST", "/auth/register", "", again).Expect(t, 202)
	if len(res.Body) != 0 {
		t.Fatalf("202 with a body tells more than a new registration: %s", res.Body)
	}
	m := e.WaitMail(t, email, 2)
	if !strings.Contains(m.Subject, "Próba rejestracji") {
		t.Fatalf("owner got %q", m.Subject)
	}
	// A second attempt the same day is not mailed again.
	e.Call(t, "POST", "/auth/register", "", again).Expect(t, 202)
	if n := len(e.Outbox(t, email)); n != 2 {
		t.Fatalf("%d mails, want the activation and one notice", n)
	}
	// The owner's password still works; the stranger's does not.
	login(t, e, email, pw)
	e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": "Inne-Haslo-Kogos-Obcego-1"}).Expect(t, 401)
	var after struct{ AccountID string }
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200).Decode(t, &after)
	if after.AccountID != before.AccountID {
		t.Fatal("the account changed")
	}
}

// Idempotency-Key: a retry with the same key and body answers the first
// answer; racing retries register once. (Anonymous keys are scoped by the
// body: another body is another request, see TestAnonymousIdempotencyKeysDoNotCollide.)
func TestRegisterIdempotency(t *testing.T) {
	e := testenv.Get(t)
	email := testenv.Email("idem")
	key := "3f1c2b9e-7a55-4c1e-9d7e-" + strings.Repeat("0", 12)
	body := registration(email)
	var wg sync.WaitGroup
	// Eight: the registration limit per e-mail (routes.RegisterLimits) counts
	// the retries too.
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.Call(t, "POST", "/auth/register", "", body, "Idempotency-Key", key).Status
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 202 && s != 409 {
			t.Fatalf("request %d answered %d", i, s)
		}
	}
	replay := e.Call(t, "POST", "/auth/register", "", body, "Idempotency-Key", key).Expect(t, 202)
	if replay.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("a retry after the first answer is not a replay")
	}
	// Exactly one mail, the activation: one registration happened, and no
	// racing retry took the "account exists" path.
	if out := e.Outbox(t, email); len(out) != 1 || out[0].Template != "activation" {
		t.Fatalf("outbox for one registration: %+v", out)
	}
	tok := e.WaitMail(t, email, 1).LinkToken(t, "/activate")
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": tok}).Expect(t, 204)
}

// R1.4, R2, issue 13: registration makes at most 3 DynamoDB round trips — the
// clauses, the claim with the abuse counters, the account — for a new
// e-mail and for one with an account alike (the taken e-mail does the same
// table work), and the per-e-mail limit still holds for both.
func TestRegisterRoundTrips(t *testing.T) {
	e := testenv.Get(t)
	fresh := testenv.Email("trips")
	res := e.Call(t, "POST", "/auth/register", "", registration(fresh)).Expect(t, 202)
	if res.Calls > 3 {
		t.Fatalf("a new e-mail: %d round trips, budget 3", res.Calls)
	}
	taken, _ := resident(t, e)
	res = e.Call(t, "POST", "/auth/register", "", registration(taken)).Expect(t, 202)
	if res.Calls > 3 {
		t.Fatalf("a taken e-mail: %d round trips, budget 3", res.Calls)
	}
	t.Logf("round trips: new e-mail and taken e-mail %d (were 4)", res.Calls)
}
