package auth_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R1.1, R1.3, R2.1, R3.1–R3.3, R6.1, R14.1: the slice end to end, as a resident
// lives it: register, read the activation mail, activate, log in, reset the
// password through the mailed link, log in with the new one.
func TestResidentJourney(t *testing.T) {
	e := testenv.Get(t)
	email := testenv.Email("journey")
	token := register(t, e, email)
	m := e.Mails(t, email)[0]
	if !strings.Contains(m.Subject, "Aktywuj konto") || !strings.Contains(m.Body.HTML, "<a href=") {
		t.Fatalf("activation mail is not the Polish template: %q", m.Subject)
	}

	// Not activated: the password is right but the account is not open yet.
	if p := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": pw}).Expect(t, 403).Problem(t); p.Code != "account_not_activated" {
		t.Fatalf("code %q", p.Code)
	}
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": token}).Expect(t, 204)
	// Single use.
	if p := e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": token}).Expect(t, 410).Problem(t); p.Code != "token_invalid" {
		t.Fatalf("code %q", p.Code)
	}

	tk := login(t, e, email, pw)
	var acc struct {
		AccountID string  `json:"accountId"`
		Email     string  `json:"email"`
		Status    string  `json:"status"`
		ProfileID string  `json:"profileId"`
		Household bool    `json:"household"`
		Phone     *string `json:"phone"`
	}
	res := e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200)
	res.Decode(t, &acc)
	if acc.Email != email || acc.Status != "active" || !acc.Household || acc.ProfileID == "" || acc.Phone != nil {
		t.Fatalf("account %+v", acc)
	}
	if res.Calls > 2 {
		t.Errorf("GET /account made %d DynamoDB round trips, budget 2", res.Calls)
	}

	// Reset through the mailed link.
	e.Call(t, "POST", "/auth/password/forgot", "", map[string]string{"email": email}).Expect(t, 202)
	reset := e.WaitMail(t, email, 2)
	if !strings.Contains(reset.Subject, "Reset hasła") {
		t.Fatalf("second mail is %q", reset.Subject)
	}
	rt := reset.LinkToken(t, "/reset-password")
	newPw := "Nowe-Haslo-Do-Karty-77"
	e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": rt, "newPassword": newPw, "newPasswordRepeat": newPw}).Expect(t, 204)

	// R3.3: the old password no longer logs in, the new one does, and the
	// session from before the reset has ended (its token and its refresh).
	if p := e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": pw}).Expect(t, 401).Problem(t); p.Code != "invalid_credentials" {
		t.Fatalf("code %q", p.Code)
	}
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 401)
	e.Call(t, "POST", "/auth/refresh", "", map[string]string{"refreshToken": tk.RefreshToken}).Expect(t, 401)
	tk2 := login(t, e, email, newPw)
	e.Call(t, "GET", "/account", tk2.AccessToken, nil).Expect(t, 200)
	// The reset link is used up.
	e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": rt, "newPassword": newPw, "newPasswordRepeat": newPw}).Expect(t, 410)
}
