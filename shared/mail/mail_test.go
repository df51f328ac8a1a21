package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"regexp"
	"strings"
	"testing"
	texttemplate "text/template"

	"github.com/kartamieszkanca/platform/shared/outbox"
)

// R14.1: every template renders in Polish, as text and as escaped HTML.
func TestRender(t *testing.T) {
	data := map[string]string{"firstName": "Zażółć <b>", "link": "http://portal.test/x?token=abc&y=1",
		"typeName": "Wydanie karty", "applicationId": "01J", "comment": "<b>", "number": "912345678903", "pickupPoint": "Rynek 1",
		"packages": "• Sport <b>: ważny do 2026-05-14, zostało 7 dni", "expiredOnly": "", "inviter": "Anna <b>",
		"fields": "lastName", "role": "partner", "organizationName": "MOSiR <b>", "scope": "household", "household": "1"}
	for _, name := range []string{outbox.Activation, outbox.AccountExists, outbox.PasswordReset, outbox.PasswordChanged, outbox.AppSubmitted, outbox.AppAccepted, outbox.AppRejected, outbox.CardReady,
		outbox.CaseMessage, outbox.EntitlementExpiry, outbox.FamilyInvitation, outbox.FamilyAccountExists, outbox.AppReturned, outbox.StaffInvitation, outbox.Erased, outbox.ComingOfAge} {
		m, err := Render(name, "pl", data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Subject == "" || !strings.Contains(m.Text, "Urząd Miasta") || !strings.Contains(m.Text, data["link"]) {
			t.Errorf("%s: incomplete %+v", name, m)
		}
		if strings.Contains(m.HTML, "<b>") || !strings.Contains(m.HTML, "token=abc&amp;y=1") {
			t.Errorf("%s: HTML not escaped: %s", name, m.HTML)
		}
	}
	// Another language falls back to Polish.
	en, err := Render(outbox.Activation, "en", data)
	if err != nil || en.Subject != "Aktywuj konto w portalu Karty Mieszkańca" {
		t.Fatalf("fallback: %q %v", en.Subject, err)
	}
	if _, err := Render(outbox.Activation, "pl", map[string]string{"link": "x"}); err == nil {
		t.Fatal("a missing value rendered silently")
	}
	if _, err := Render("nope", "pl", data); err == nil {
		t.Fatal("an unknown template rendered")
	}
}

// R14.1: the templates render exactly as text/template and html/template
// render them (escaping in text, in attributes and of links included), for
// values with markup, quotes, spaces, non-ASCII letters and unsafe links.
func TestRenderAsGoTemplates(t *testing.T) {
	datas := []map[string]string{
		{"firstName": `Zażółć <b>"x" & 'y' + z`, "link": "http://portal.test/x?token=abc&y=1",
			"typeName": "Wydanie <karty>", "applicationId": "01J", "comment": "<script>alert(1)</script>", "number": "912345678903",
			"pickupPoint": "Rynek 1", "packages": "• Sport <b>: ważny do 2026-05-14\n• Basen", "expiredOnly": "1"},
		{"firstName": "", "link": "javascript:alert(1)", "typeName": "", "applicationId": "", "comment": "",
			"number": "", "pickupPoint": "", "packages": "", "expiredOnly": ""},
		{"firstName": "Ola", "link": "https://karta.example/portal/a b/ą?q='x'(1)#f\x00", "typeName": "t",
			"applicationId": "a", "comment": "c\x00", "number": "n", "pickupPoint": "p", "packages": "p", "expiredOnly": ""},
	}
	entries, err := files.ReadDir("templates/pl")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		src, err := files.ReadFile("templates/pl/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(e.Name(), ".tmpl")
		text := texttemplate.Must(texttemplate.New(name).Option("missingkey=error").Parse(string(src)))
		html := htmltemplate.Must(htmltemplate.New(name).Option("missingkey=error").Parse(string(src)))
		for i, data := range datas {
			// Keys of templates added later get a value with markup too.
			data = maps.Clone(data)
			for _, m := range templateKey.FindAllStringSubmatch(string(src), -1) {
				if _, ok := data[m[1]]; !ok {
					data[m[1]] = fmt.Sprintf("<i>%d</i> & 'x'", i)
				}
			}
			got, err := Render(name, "pl", data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, part := range []struct {
				name, got string
				exec      func(*bytes.Buffer) error
			}{
				{"subject", got.Subject, func(b *bytes.Buffer) error { return text.ExecuteTemplate(b, "subject", data) }},
				{"text", got.Text, func(b *bytes.Buffer) error { return text.ExecuteTemplate(b, "text", data) }},
				{"html", got.HTML, func(b *bytes.Buffer) error { return html.ExecuteTemplate(b, "html", data) }},
			} {
				var b bytes.Buffer
				if err := part.exec(&b); err != nil {
					t.Fatalf("%s/%s: %v", name, part.name, err)
				}
				if want := strings.TrimSpace(b.String()); part.got != want {
					t.Errorf("%s/%s with data %d:\n got %q\nwant %q", name, part.name, i, part.got, want)
				}
			}
		}
	}
}

var templateKey = regexp.MustCompile(`\{\{(?:if )?\.(\w+)\}\}`)
