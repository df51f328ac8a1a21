package application_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// R14.2, R11.1 (issue 7, item 8): names and comments refuse control and format
// characters (NUL, line breaks, bidirectional overrides, zero-width
// characters): 422 with the field, nothing stored. A decision's comment may
// span lines.
func TestHumanTextRefusesControlCharacters(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	bad := map[string]string{
		"NUL":             "Anna\x00",
		"line break":      "Anna\nhttps://evil.example/",
		"carriage return": "Anna\r",
		"tab":             "An\tna",
		"bidi override":   "Anna\u202egpj.exe",
		"bidi isolate":    "\u2066Anna",
		"zero width":      "An\u200bna",
		"BOM":             "\ufeffAnna",
		"line separator":  "Anna\u2028Nowak",
		"C1 control":      "Anna\u0085",
	}
	for name, v := range bad {
		t.Run(name, func(t *testing.T) {
			for _, c := range []struct{ typ, field string }{{"card_issue", "firstName"}, {"card_issue", "lastName"}} {
				pr := e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": c.typ, "data": map[string]any{c.field: v}}).Expect(t, 422).Problem(t)
				if pr.Code != "validation_failed" || len(pr.Errors) != 1 || pr.Errors[0].Field != "data."+c.field || pr.Errors[0].Code != "invalid_character" {
					t.Fatalf("%s.%s: problem %+v", c.typ, c.field, pr)
				}
			}
		})
	}
	if n := applicationCount(t, e, p); n != 0 {
		t.Fatalf("%d applications after refused creates", n)
	}
	// A data change's names (R4.7), then a decision's comment.
	decide(t, e, op, cardApplication(t, e, p, "virtual"), "accept", "").Expect(t, 200)
	for _, field := range []string{"firstName", "lastName"} {
		pr := e.Call(t, "POST", p.path("/applications"), p.token, map[string]any{"type": "data_change", "data": map[string]any{field: "Mal\u202elory"}}).Expect(t, 422).Problem(t)
		if pr.Code != "validation_failed" || pr.Errors[0].Field != "data."+field || pr.Errors[0].Code != "invalid_character" {
			t.Fatalf("data change %s: %+v", field, pr)
		}
	}
	id := cardApplication(t, e, newPerson(t, e), "virtual")
	for _, comment := range []string{"Zdjęcie\u202e nieczytelne", "Zdjęcie\x00", "Zdjęcie\u200b"} {
		pr := decide(t, e, op, id, "reject", comment).Expect(t, 422).Problem(t)
		if pr.Code != "validation_failed" || pr.Errors[0].Field != "comment" || pr.Errors[0].Code != "invalid_character" {
			t.Fatalf("comment %q: %+v", comment, pr)
		}
	}
	var rejected app
	decide(t, e, op, id, "reject", "Zdjęcie jest nieczytelne.\r\nProszę przesłać nowe.").Expect(t, 200).Decode(t, &rejected)
	if rejected.Status != "rejected" {
		t.Fatalf("a comment over two lines: %+v", rejected)
	}
}
