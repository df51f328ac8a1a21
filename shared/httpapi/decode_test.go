package httpapi

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kartamieszkanca/platform/shared/apierr"
)

type sample struct {
	Email string          `json:"email"`
	Age   int             `json:"age"`
	Tags  []string        `json:"tags"`
	Items []item          `json:"items"`
	Meta  json.RawMessage `json:"meta"`
}

type item struct {
	Name string `json:"name"`
}

func (s *sample) Validate(c *Checks) {
	c.Email("email", s.Email)
	if s.Age < 0 {
		c.Fail("age", "out_of_range")
	}
}

func req(contentType, body string) *Request {
	h := map[string]string{}
	if contentType != "" {
		h["content-type"] = contentType
	}
	return &Request{Event: &events.APIGatewayV2HTTPRequest{Headers: h}, Body: []byte(body)}
}

// R14.2: bad input gets a stable code and a status from the one table.
func TestDecode(t *testing.T) {
	cases := []struct {
		name, ct, body string
		code           apierr.Code
		status         int
		field          string
	}{
		{"valid", "application/json", `{"email":"a@example.com","age":3}`, "", 0, ""},
		{"charset", "application/json; charset=utf-8", `{"email":"a@example.com"}`, "", 0, ""},
		{"empty", "application/json", ``, apierr.MalformedJSON, 400, ""},
		{"syntax", "application/json", `{"email":`, apierr.MalformedJSON, 400, ""},
		{"not an object", "application/json", `[1,2]`, apierr.MalformedJSON, 400, ""},
		{"trailing", "application/json", `{"email":"a@example.com"} {}`, apierr.MalformedJSON, 400, ""},
		{"unknown field", "application/json", `{"email":"a@example.com","admin":true}`, apierr.UnknownField, 400, "admin"},
		{"wrong type", "application/json", `{"email":"a@example.com","age":"old"}`, apierr.Validation, 422, "age"},
		{"rule", "application/json", `{"email":"not-an-address"}`, apierr.Validation, 422, "email"},
		{"form", "application/x-www-form-urlencoded", `email=a`, apierr.UnsupportedMediaType, 415, ""},
		{"too large", "application/json", `{"email":"` + strings.Repeat("a", MaxBody) + `"}`, apierr.PayloadTooLarge, 413, ""},
		// Issue 7, item 5: what is checked is what is stored. A key given twice
		// (encoding/json keeps the last) or a key that is a field only up to
		// case (encoding/json folds case, and ſ to s, K to k) is refused.
		{"duplicate", "application/json", `{"email":"a@example.com","email":"b@example.com"}`, apierr.DuplicateField, 400, "email"},
		{"case variant", "application/json", `{"Email":"a@example.com"}`, apierr.UnknownField, 400, "Email"},
		{"case variant beside field", "application/json", `{"email":"a@example.com","EMAIL":"b@example.com"}`, apierr.UnknownField, 400, "EMAIL"},
		{"unicode fold", "application/json", `{"email":"a@example.com","tag\u017f":["x"]}`, apierr.UnknownField, 400, "tag\u017f"},
		{"nested case variant", "application/json", `{"email":"a@example.com","items":[{"name":"x"},{"name":"y","Name":"z"}]}`, apierr.UnknownField, 400, "items[1].Name"},
		{"nested duplicate", "application/json", `{"email":"a@example.com","items":[{"name":"x","name":"y"}]}`, apierr.DuplicateField, 400, "items[0].name"},
		{"free-form duplicate", "application/json", `{"email":"a@example.com","meta":{"a":{"b":1,"b":2}}}`, apierr.DuplicateField, 400, "meta.a.b"},
		{"free-form keys differing by case", "application/json", `{"email":"a@example.com","meta":{"a":1,"A":2}}`, "", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s sample
			err := Decode(req(c.ct, c.body), &s)
			if c.code == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			e := apierr.From(err)
			if e == nil || e.Code != c.code || e.Status() != c.status {
				t.Fatalf("got %v, want %s/%d", err, c.code, c.status)
			}
			if c.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != c.field) {
				t.Fatalf("fields %+v, want %s", e.Fields, c.field)
			}
		})
	}
}

func TestBirthDate(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]string{"1990-04-12": "", "": "required", "12.04.1990": "invalid_date",
		"2027-01-01": "out_of_range", "1899-12-31": "out_of_range", "1990-02-30": "invalid_date"} {
		var c Checks
		c.BirthDate("birthDate", v, now)
		got := ""
		if len(c.fields) > 0 {
			got = c.fields[0].Code
		}
		if got != want {
			t.Errorf("BirthDate(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestParseGroups(t *testing.T) {
	for in, want := range map[string]string{"": "", "[operators]": "operators", "[operators partners]": "operators,partners",
		`["operators","inspectors"]`: "operators,inspectors", "partners": "partners"} {
		if got := strings.Join(parseGroups(in), ","); got != want {
			t.Errorf("parseGroups(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecode: no input makes the decoder panic or answer anything but a client
// error with a known code.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"email":"a@b.pl","age":1,"tags":["x"]}`, `{"email":1}`, `[]`, `null`, `"x"`,
		`{"tags":[1]}`, `{"a":{"b":[]}}`, "\xff\xfe", `{"email":"a@b.pl"}{`, `{"age":1e400}`,
		`{"email":"a","email":"b"}`, `{"EMAIL":"a"}`, `{"items":[{"name":"x","NAME":"y"}]}`, `{"meta":{"x":[{"y":1,"y":2}]}}`,
		`{"items":{"name":1}}`, "{\"meta\":{\"\xff\":1,\"\xfe\":2}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var s sample
		err := Decode(req("application/json", body), &s)
		if err == nil {
			return
		}
		e := apierr.From(err)
		if e == nil {
			t.Fatalf("non-client error %v for %q", err, body)
		}
		if st := e.Status(); st < 400 || st >= 500 {
			t.Fatalf("status %d for %q", st, body)
		}
	})
}

// Issue 7, item 8: human text refuses control and format characters; only
// text meant to span lines keeps line breaks and tabs.
func TestText(t *testing.T) {
	for _, c := range []struct {
		v         string
		multiline bool
		want      string
	}{
		{"Zoë Łucja-Żółć O'Brien", false, ""},
		{"", false, "required"},
		{"Anna\x00", false, "invalid_character"},
		{"Anna\nNowak", false, "invalid_character"},
		{"Anna\nNowak", true, ""},
		{"Anna\r\n\tNowak", true, ""},
		{"Anna\u202e", true, "invalid_character"},
		{"An\u200bna", true, "invalid_character"},
		{"Anna\u2028", true, "invalid_character"},
		{"Anna\u0085", true, "invalid_character"},
		{"\ufeffAnna", false, "invalid_character"},
		{strings.Repeat("ą", 101), false, "too_long"},
	} {
		var ch Checks
		if c.multiline {
			ch.Paragraphs("f", c.v, 100)
		} else {
			ch.Text("f", c.v, 100)
		}
		got := ""
		if len(ch.fields) > 0 {
			got = ch.fields[0].Code
		}
		if got != c.want {
			t.Errorf("%q (multiline %v) = %q, want %q", c.v, c.multiline, got, c.want)
		}
	}
	var ch Checks
	ch.Email("email", "anna\u202e@example.com")
	if len(ch.fields) != 1 || ch.fields[0].Code != "invalid_email" {
		t.Errorf("an address with a bidi override: %+v", ch.fields)
	}
}

// FuzzPathIDs: no path parameter, of any name and value, makes a shape check
// panic; what one admits is short enough for a key (DynamoDB refuses keys over
// 1 KB with a server error) and has no separator of the key shapes.
func FuzzPathIDs(f *testing.F) {
	for name := range PathIDs {
		for _, v := range []string{"me", "01J9Z3K7Q8X4YV2N6M5T0B1C2D", "01J9Z3K7Q8X4YV2N6M5T0B1C2D.01J9Z5M2N3P4Q5R6S7T8V9W0X1",
			"pickup-points", "", "..", "a#b", strings.Repeat("a", 2000)} {
			f.Add(name, v)
		}
	}
	f.Fuzz(func(t *testing.T, name, v string) {
		id, ok := PathIDs[name]
		if !ok {
			return
		}
		if !id.Valid(v) {
			return
		}
		if len(v) > 200 || strings.ContainsAny(v, "#\x00/") {
			t.Fatalf("%s admits %q", name, v)
		}
	})
}
