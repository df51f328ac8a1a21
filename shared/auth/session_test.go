package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/store"
)

func accountID(t *testing.T, e *testenv.Env, access string) string {
	t.Helper()
	var a struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", access, nil).Expect(t, 200).Decode(t, &a)
	return a.AccountID
}

func setStatus(t *testing.T, e *testenv.Env, id, status string) {
	t.Helper()
	if err := store.Of(e.Deps).Update(context.Background(), store.AccountKey(id),
		expression.Set(expression.Name("status"), expression.Value(status)), nil, nil); err != nil {
		t.Fatal(err)
	}
}

// R1.3: expired, unknown and malformed activation links are all 410; a resent
// link replaces the old one; a resend within the cooldown sends nothing.
func TestActivationLinks(t *testing.T) {
	e := testenv.Get(t)
	for name, c := range map[string]struct {
		token  string
		status int
		code   string
	}{
		"unknown":   {"A" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 410, "token_invalid"},
		"malformed": {"not-a-token", 410, "token_invalid"},
		"empty":     {" ", 422, "validation_failed"},
	} {
		t.Run(name, func(t *testing.T) {
			p := e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": c.token}).Expect(t, c.status).Problem(t)
			if p.Code != c.code {
				t.Fatalf("code %q, want %q", p.Code, c.code)
			}
		})
	}

	// A link is good only for its purpose: an activation link is no reset
	// link and a reset link activates nothing; neither use spends it.
	t.Run("purpose", func(t *testing.T) {
		email := testenv.Email("purpose")
		activation := register(t, e, email)
		body := map[string]string{"token": activation, "newPassword": "Inny-Cel-Linku-2026", "newPasswordRepeat": "Inny-Cel-Linku-2026"}
		if p := e.Call(t, "POST", "/auth/password/reset", "", body).Expect(t, 410).Problem(t); p.Code != "token_invalid" {
			t.Fatalf("activation link as a reset link: code %q", p.Code)
		}
		e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": activation}).Expect(t, 204)
		e.Call(t, "POST", "/auth/password/forgot", "", map[string]string{"email": email}).Expect(t, 202)
		reset := e.WaitMail(t, email, 2).LinkToken(t, "/reset-password")
		if p := e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": reset}).Expect(t, 410).Problem(t); p.Code != "token_invalid" {
			t.Fatalf("reset link as an activation link: code %q", p.Code)
		}
		body["token"] = reset
		e.Call(t, "POST", "/auth/password/reset", "", body).Expect(t, 204)
	})

	t.Run("expired", func(t *testing.T) {
		email := testenv.Email("expired")
		first := register(t, e, email)
		// Age the stored token past its expiry (the clock of the table, not a sleep).
		if err := store.Of(e.Deps).Update(context.Background(), store.TokenKey(store.Hash(first)),
			expression.Set(expression.Name("expiresAt"), expression.Value(time.Now().Add(-time.Minute).Unix())), nil, nil); err != nil {
			t.Fatal(err)
		}
		if p := e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": first}).Expect(t, 410).Problem(t); p.Code != "token_invalid" {
			t.Fatalf("code %q", p.Code)
		}
	})

	t.Run("resend replaces", func(t *testing.T) {
		email := testenv.Email("resend")
		first := register(t, e, email)
		// Within the cooldown nothing is sent: the first link stays the valid one.
		e.Call(t, "POST", "/auth/activation/resend", "", map[string]string{"email": email}).Expect(t, 202)
		if n := len(e.Outbox(t, email)); n != 1 {
			t.Fatalf("%d mails within the cooldown", n)
		}
		// After the cooldown (moved back in the table) a new link replaces the old.
		if err := store.Of(e.Deps).Update(context.Background(), accountKeyByEmail(t, e, email),
			expression.Set(expression.Name("activationMailedAt"), expression.Value(time.Now().Add(-linktoken.ResendCooldown).Unix()-1)), nil, nil); err != nil {
			t.Fatal(err)
		}
		e.Call(t, "POST", "/auth/activation/resend", "", map[string]string{"email": email}).Expect(t, 202)
		second := e.WaitMail(t, email, 2).LinkToken(t, "/activate")
		if second == first {
			t.Fatal("the resent link is the old one")
		}
		e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": first}).Expect(t, 410)
		e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": second}).Expect(t, 204)
		// An active account is not sent activation links any more.
		e.Call(t, "POST", "/auth/activation/resend", "", map[string]string{"email": email}).Expect(t, 202)
		if n := len(e.Outbox(t, email)); n != 2 {
			t.Fatalf("%d mails after activation", n)
		}
	})

	t.Run("resend to nobody", func(t *testing.T) {
		email := testenv.Email("nobody")
		e.Call(t, "POST", "/auth/activation/resend", "", map[string]string{"email": email}).Expect(t, 202)
		e.Call(t, "POST", "/auth/password/forgot", "", map[string]string{"email": email}).Expect(t, 202)
		if n := len(e.Outbox(t, email)); n != 0 {
			t.Fatalf("%d mails to an address without an account", n)
		}
	})
}

func accountKeyByEmail(t *testing.T, e *testenv.Env, email string) store.Key {
	t.Helper()
	var c account.EmailClaim
	if err := store.Of(e.Deps).Get(context.Background(), store.EmailKey(email), &c); err != nil {
		t.Fatal(err)
	}
	return store.AccountKey(c.AccountID)
}

// R2.1, R2.2: wrong credentials get one generic answer, whether or not the
// e-mail exists; a blocked account is told so, and its still-valid token gets
// nothing.
func TestLoginAndAccountState(t *testing.T) {
	e := testenv.Get(t)
	email, tk := resident(t, e)
	wrong := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": "Zle-Haslo-Calkiem-Inne"}).Expect(t, 401).Problem(t)
	nobody := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": testenv.Email("ghost"), "password": "Zle-Haslo-Calkiem-Inne"}).Expect(t, 401).Problem(t)
	if wrong.Code != "invalid_credentials" || wrong.Code != nobody.Code || wrong.Detail != nobody.Detail {
		t.Fatalf("answers differ: %+v vs %+v", wrong, nobody)
	}
	// E-mail case does not matter.
	login(t, e, "  "+email, pw)

	id := accountID(t, e, tk.AccessToken)
	setStatus(t, e, id, account.Blocked)
	if p := e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 403).Problem(t); p.Code != "account_blocked" {
		t.Fatalf("blocked account's token: %s", p.Code)
	}
	if p := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": pw}).Expect(t, 403).Problem(t); p.Code != "account_blocked" {
		t.Fatalf("blocked login: %s", p.Code)
	}
	if p := e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 403).Problem(t); p.Code != "account_blocked" {
		t.Fatalf("blocked refresh: %s", p.Code)
	}
	setStatus(t, e, id, account.Deleted)
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 401)
	setStatus(t, e, id, account.Active)
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200)
}

// R2.3: refresh gives a working token; logout ends the session for good; a
// session that is not the caller's is 404.
func TestRefreshAndLogout(t *testing.T) {
	e := testenv.Get(t)
	email, tk := resident(t, e)
	_, other := resident(t, e)
	var fresh tokens
	e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 200).Decode(t, &fresh)
	second := otherSession(t, e, email, fresh)
	if fresh.AccessToken == "" || fresh.IDToken == "" {
		t.Fatalf("refresh answered %+v", fresh)
	}
	e.Call(t, "GET", "/account", fresh.IDToken, nil).Expect(t, 200)

	e.Call(t, "POST", "/auth/logout", tk.AccessToken, map[string]string{"refreshToken": other.RefreshToken}).Expect(t, 404)
	e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": other.RefreshToken}).Expect(t, 200)

	e.Call(t, "POST", "/auth/logout", tk.AccessToken, map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 204)
	if p := e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 401).Problem(t); p.Code != "unauthorized" {
		t.Fatalf("code %s", p.Code)
	}
	e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": "garbage"}).Expect(t, 401)
	// Logging out twice is fine (from another session: this one's tokens ended).
	e.Call(t, "POST", "/auth/logout", second.AccessToken, map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 204)
	// No token, a forged one: the gateway refuses like the JWT authorizer.
	e.Call(t, "GET", "/account", "", nil).Expect(t, 401)
	e.Call(t, "GET", "/account", tk.AccessToken[:len(tk.AccessToken)-4]+"AAAA", nil).Expect(t, 401)
}

// otherSession logs in again until the new session's tokens are told apart
// from prev's: cognito-local's tokens name their session by auth_time alone
// (Cognito's by origin_jti), a second.
func otherSession(t *testing.T, e *testenv.Env, email string, prev tokens) tokens {
	t.Helper()
	for {
		tk := login(t, e, email, testenv.ResidentPassword)
		if authTime(t, tk.AccessToken) != authTime(t, prev.AccessToken) {
			return tk
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func authTime(t *testing.T, token string) int64 {
	t.Helper()
	c, err := identity.ReadClaims(token)
	if err != nil {
		t.Fatal(err)
	}
	return c.AuthTime
}

// R2.3, issue 13: logout ends the session's access and ID tokens at once, not
// only its refresh token, and the tokens of its refreshes too; the account's
// other sessions go on. The gate's one read decides it: no extra round trip.
func TestLogoutEndsTheSessionsTokens(t *testing.T) {
	e := testenv.Get(t)
	email, tk := resident(t, e)
	var fresh tokens
	e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 200).Decode(t, &fresh)
	other := otherSession(t, e, email, fresh)
	for _, token := range []string{tk.AccessToken, tk.IDToken, fresh.AccessToken, fresh.IDToken, other.AccessToken} {
		e.Call(t, "GET", "/account", token, nil).Expect(t, 200)
	}

	res := e.Call(t, "POST", "/auth/logout", tk.IDToken, map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 204)
	if res.Calls > 3 {
		t.Errorf("logout made %d round trips, budget 3", res.Calls)
	}
	for name, token := range map[string]string{"access": tk.AccessToken, "id": tk.IDToken, "refreshed access": fresh.AccessToken, "refreshed id": fresh.IDToken} {
		res := e.Call(t, "GET", "/account", token, nil)
		if res.Status != 401 || res.Problem(t).Code != "unauthorized" {
			t.Errorf("%s token after logout: %d %s", name, res.Status, res.Body)
		}
	}
	res = e.Call(t, "GET", "/account", other.AccessToken, nil).Expect(t, 200)
	if res.Calls > 1 {
		t.Errorf("GET /account made %d round trips: the ended tokens must ride on the gate's read", res.Calls)
	}
	e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": other.RefreshToken}).Expect(t, 200)
}
