package staff_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/store"
)

// R15.10, R14.2 (issue 13): an invitation of a staff member with Cognito
// failing past the SDK's retries — creating the identity, putting it in its
// group — or the table failing on the final transaction answers 503
// retry_later and leaves no account and no claim that holds the address;
// the operator's retry completes: one identity, in its group, one account,
// one invitation mail, and the member sets a password and logs in.
func TestInviteUnderCognitoFaults(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	email := testenv.Email("inspektor")
	body := map[string]any{"email": email, "group": "inspectors", "organizationName": "Straż Miejska"}
	ctx := context.Background()
	t1 := store.Of(e.Deps)
	for _, fault := range []string{"AdminCreateUser", "AdminAddUserToGroup", "TransactWriteItems"} {
		e.FailNext(fault, 1)
		res := e.Call(t, "POST", "/operator/staff", op, body).Expect(t, 503)
		if p := res.Problem(t); p.Code != "retry_later" {
			t.Fatalf("%s: code %s", fault, p.Code)
		}
		if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 {
			t.Fatalf("%s: Retry-After %q", fault, res.Header.Get("Retry-After"))
		}
		var c account.EmailClaim
		if err := t1.Get(ctx, store.EmailKey(email), &c); err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		// Released: the claim names no account and holds the address for no
		// attempt, so the retry may take it at once.
		if c.AccountID != "" || (c.Registering() && c.ClaimedAt != 0) {
			t.Fatalf("after %s failed the claim is %+v", fault, c)
		}
		if sub, reg, err := identity.Of(e.Deps).User(ctx, email); err == nil {
			if reg != c.RegistrationID {
				t.Fatalf("after %s: identity %s of registration %q, the claim's is %q", fault, sub, reg, c.RegistrationID)
			}
			var a account.Account
			if err := t1.Get(ctx, store.AccountKey(sub), &a); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("after %s: an account item (%v)", fault, err)
			}
		} else if !errors.Is(err, identity.ErrNoUser) {
			t.Fatal(err)
		}
		if n := len(e.Outbox(t, email)); n != 0 {
			t.Fatalf("after %s: %d mails", fault, n)
		}
	}
	var m member
	e.Call(t, "POST", "/operator/staff", op, body).Expect(t, 201).Decode(t, &m)
	if m.Status != "active" || m.Group != "inspectors" {
		t.Fatalf("invited: %+v", m)
	}
	// A second invitation of the address is refused: no duplicate.
	if p := e.Call(t, "POST", "/operator/staff", op, body).Expect(t, 409).Problem(t); p.Code != "email_taken" {
		t.Fatalf("again: %+v", p)
	}
	pool := identity.Of(e.Deps)
	sub, _, err := pool.User(ctx, email)
	if err != nil || sub != m.AccountID {
		t.Fatalf("identity %s (%v), account %s", sub, err, m.AccountID)
	}
	mail := e.WaitMail(t, email, 1)
	if n := len(e.Outbox(t, email)); n != 1 {
		t.Fatalf("%d mails, want one invitation", n)
	}
	token := mail.LinkToken(t, "/reset-password")
	e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": token, "newPassword": staffPassword,
		"newPasswordRepeat": staffPassword}).Expect(t, 204)
	tk := e.Login(t, email, staffPassword)
	// In its group: the token carries it.
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tk.AccessToken, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Groups []string `json:"cognito:groups"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || len(claims.Groups) != 1 || claims.Groups[0] != "inspectors" {
		t.Fatalf("groups %v (%v)", claims.Groups, err)
	}
}
