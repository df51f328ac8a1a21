package account_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

const pw = "Zielony-Tramwaj-2026"

type tokens struct {
	AccessToken  string `json:"accessToken"`
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
}

func registration(email string) map[string]any {
	return map[string]any{
		"email": email, "password": pw, "firstName": "Anna", "lastName": "Nowak", "birthDate": "1990-04-12",
		"consents": []map[string]any{
			{"clauseId": "terms", "accepted": true},
			{"clauseId": "gdpr", "accepted": true},
			{"clauseId": "residence", "accepted": true},
		},
	}
}

// register registers and returns the activation token from the mail.
func register(t *testing.T, e *testenv.Env, email string) string {
	t.Helper()
	e.Call(t, "POST", "/auth/register", "", registration(email)).Expect(t, 202)
	return e.WaitMail(t, email, 1).LinkToken(t, "/activate")
}

// resident registers, activates and logs in a new resident.
func resident(t *testing.T, e *testenv.Env) (string, tokens) {
	t.Helper()
	email := testenv.Email("anna")
	tok := register(t, e, email)
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": tok}).Expect(t, 204)
	return email, login(t, e, email, pw)
}

func login(t *testing.T, e *testenv.Env, email, password string) tokens {
	t.Helper()
	var tk tokens
	e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": password}).Expect(t, 200).Decode(t, &tk)
	if tk.AccessToken == "" || tk.IDToken == "" || tk.RefreshToken == "" {
		t.Fatalf("login answered incomplete tokens: %+v", tk)
	}
	return tk
}
