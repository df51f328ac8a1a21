package testenv

import "testing"

// ResidentPassword is the password of residents made by Resident.
const ResidentPassword = "Zielony-Tramwaj-2026"

// Tokens are a login's answer.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	IDToken      string `json:"idToken"`
	RefreshToken string `json:"refreshToken"`
	ExpiresIn    int    `json:"expiresIn"`
}

// Registration is a complete registration body for an address.
func Registration(email string) map[string]any {
	return map[string]any{
		"email": email, "password": ResidentPassword, "firstName": "Anna", "lastName": "Nowak", "birthDate": "1990-04-12",
		"consents": []map[string]any{
			{"clauseId": "terms", "accepted": true},
			{"clauseId": "gdpr", "accepted": true},
			{"clauseId": "residence", "accepted": true},
		},
	}
}

// Register registers an address and returns the activation token from its mail.
func (e *Env) Register(t testing.TB, email string) string {
	t.Helper()
	e.Call(t, "POST", "/auth/register", "", Registration(email)).Expect(t, 202)
	return e.WaitMail(t, email, 1).LinkToken(t, "/activate")
}

// Login logs in and checks the answer has every token.
func (e *Env) Login(t testing.TB, email, password string) Tokens {
	t.Helper()
	var tk Tokens
	e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": password}).Expect(t, 200).Decode(t, &tk)
	if tk.AccessToken == "" || tk.IDToken == "" || tk.RefreshToken == "" {
		t.Fatalf("login answered incomplete tokens: %+v", tk)
	}
	return tk
}

// Resident registers, activates and logs in a new resident.
func (e *Env) Resident(t testing.TB) (string, Tokens) {
	t.Helper()
	email := Email("anna")
	tok := e.Register(t, email)
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": tok}).Expect(t, 204)
	return email, e.Login(t, email, ResidentPassword)
}

// Staff logs in a seeded staff account.
func (e *Env) Staff(t testing.TB, email string) Tokens {
	t.Helper()
	return e.Login(t, email, StaffPassword)
}
