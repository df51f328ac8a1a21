package auth_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R1.1, R14.2, R14.1 (issue 7, item 8): a name is one line of text. Control
// and format characters (NUL, line breaks that would carry a URL into the
// activation mail, bidirectional overrides, zero-width characters) are 422
// with the field, and no account is made, so no mail is sent.
func TestRegisterRefusesControlCharactersInNames(t *testing.T) {
	e := testenv.Get(t)
	for name, v := range map[string]string{
		"NUL":           "Anna\x00",
		"line break":    "Anna\n\nhttps://evil.example/login",
		"CRLF":          "Anna\r\nBcc: x@evil.example",
		"bidi override": "Anna\u202e",
		"zero width":    "An\u200dna",
		"escape":        "Anna\x1b[31m",
	} {
		for _, field := range []string{"firstName", "lastName"} {
			t.Run(name+" "+field, func(t *testing.T) {
				email := testenv.Email("ctl")
				b := registration(email)
				b[field] = v
				p := e.Call(t, "POST", "/auth/register", "", b).Expect(t, 422).Problem(t)
				if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Field != field || p.Errors[0].Code != "invalid_character" {
					t.Fatalf("problem %+v", p)
				}
				noAccount(t, e, email)
			})
		}
	}
	// Letters of any script and the marks names use are fine.
	email := testenv.Email("ok")
	b := registration(email)
	b["firstName"], b["lastName"] = "Zoë-Łucja", "O'Brien Żółć"
	e.Call(t, "POST", "/auth/register", "", b).Expect(t, 202)
}
