package auth_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R14.2 (issue 7, item 5): every body is decoded strictly: a key twice or a key
// that is a field only up to case is 400, and nothing is registered.
func TestRegisterRefusesAmbiguousKeys(t *testing.T) {
	e := testenv.Get(t)
	email := testenv.Email("dup")
	base := `"password":"` + pw + `","lastName":"Nowak","birthDate":"1990-04-12","consents":[{"clauseId":"terms","accepted":true},{"clauseId":"gdpr","accepted":true},{"clauseId":"residence","accepted":true}]`
	for body, want := range map[string][2]string{
		`{"email":"` + email + `","email":"other@example.com","firstName":"Anna",` + base + `}`:                                                  {"duplicate_field", "email"},
		`{"email":"` + email + `","firstName":"Anna","FirstName":"Mallory",` + base + `}`:                                                        {"unknown_field", "FirstName"},
		`{"Email":"` + email + `","firstName":"Anna",` + base + `}`:                                                                              {"unknown_field", "Email"},
		`{"email":"` + email + `","firstName":"Anna",` + strings.Replace(base, `"clauseId":"gdpr"`, `"clauseId":"gdpr","clauseId":"x"`, 1) + `}`: {"duplicate_field", "consents[1].clauseId"},
	} {
		p := e.Call(t, "POST", "/auth/register", "", body).Expect(t, 400).Problem(t)
		if p.Code != want[0] || len(p.Errors) == 0 || p.Errors[0].Field != want[1] {
			t.Fatalf("%s: problem %+v, want %v", body, p, want)
		}
	}
	noAccount(t, e, email)
}
