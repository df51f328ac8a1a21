package auth_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R3.2: the reset form's rules; bad input leaves the link usable.
func TestResetRefusals(t *testing.T) {
	e := testenv.Get(t)
	email, _ := resident(t, e)
	e.Call(t, "POST", "/auth/password/forgot", "", map[string]string{"email": email}).Expect(t, 202)
	tok := e.WaitMail(t, email, 2).LinkToken(t, "/reset-password")
	for _, c := range []struct{ pw, repeat, code string }{
		{"Nowe-Haslo-Do-Karty-77", "Nowe-Haslo-Do-Karty-78", "passwords_differ"},
		{"password1234", "password1234", "password_policy"},
		{"krotkie", "krotkie", "password_policy"},
	} {
		p := e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": tok, "newPassword": c.pw, "newPasswordRepeat": c.repeat}).Expect(t, 422).Problem(t)
		if p.Code != c.code {
			t.Fatalf("%q/%q: code %s, want %s", c.pw, c.repeat, p.Code, c.code)
		}
	}
	login(t, e, email, pw)
	// An activation token is no reset token.
	e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": "x" + tok[1:], "newPassword": "Nowe-Haslo-Do-Karty-77", "newPasswordRepeat": "Nowe-Haslo-Do-Karty-77"}).Expect(t, 410)
	e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": tok, "newPassword": "Nowe-Haslo-Do-Karty-77", "newPasswordRepeat": "Nowe-Haslo-Do-Karty-77"}).Expect(t, 204)
}

// R6.3: the current password is required; the new one logs in, the old does not.
func TestChangePassword(t *testing.T) {
	e := testenv.Get(t)
	email, tk := resident(t, e)
	newPw := "Jesienny-Park-Miejski-9"
	p := e.Call(t, "POST", "/account/password", tk.AccessToken, map[string]string{"currentPassword": "Zle-Haslo-Calkiem-Inne", "newPassword": newPw, "newPasswordRepeat": newPw}).Expect(t, 422).Problem(t)
	if p.Code != "current_password_invalid" {
		t.Fatalf("code %s", p.Code)
	}
	login(t, e, email, pw)
	e.Call(t, "POST", "/account/password", tk.AccessToken, map[string]string{"currentPassword": pw, "newPassword": newPw, "newPasswordRepeat": newPw + "x"}).Expect(t, 422)
	e.Call(t, "POST", "/account/password", tk.AccessToken, map[string]string{"currentPassword": pw, "newPassword": newPw, "newPasswordRepeat": newPw}).Expect(t, 204)
	e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": pw}).Expect(t, 401)
	login(t, e, email, newPw)
	if m := e.WaitMail(t, email, 2); m.Subject != "Hasło do Twojego konta zostało zmienione" {
		t.Fatalf("notice %q", m.Subject)
	}
}

// R6.1: add, change and remove the phone number; an invalid one changes nothing.
func TestPhone(t *testing.T) {
	e := testenv.Get(t)
	_, tk := resident(t, e)
	type acc struct {
		Phone *string `json:"phone"`
	}
	var a acc
	e.Call(t, "PUT", "/account/phone", tk.AccessToken, map[string]string{"phone": "+48600100200"}).Expect(t, 200).Decode(t, &a)
	if a.Phone == nil || *a.Phone != "+48600100200" {
		t.Fatalf("phone %v", a.Phone)
	}
	for _, bad := range []string{"600100200", "+48 600 100 200", "+4860010020", "+999123"} {
		if p := e.Call(t, "PUT", "/account/phone", tk.AccessToken, map[string]string{"phone": bad}).Expect(t, 422).Problem(t); p.Errors[0].Field != "phone" {
			t.Fatalf("%q: %+v", bad, p)
		}
	}
	var got acc
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200).Decode(t, &got)
	if got.Phone == nil || *got.Phone != "+48600100200" {
		t.Fatalf("phone after refusals %v", got.Phone)
	}
	e.Call(t, "PUT", "/account/phone", tk.AccessToken, map[string]string{"phone": "+420601123456"}).Expect(t, 200)
	e.Call(t, "DELETE", "/account/phone", tk.AccessToken, nil).Expect(t, 204)
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200).Decode(t, &got)
	if got.Phone != nil {
		t.Fatalf("phone after delete %v", *got.Phone)
	}
}
