// Package mail renders the platform's mail from templates (Polish first) and
// sends it through SES v2. Only the mail sender imports it: every other
// function writes an outbox item (package outbox) in the transaction of the
// change that causes the mail, and the table's stream hands it to the sender.
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"

	"github.com/kartamieszkanca/platform/shared/outbox"
)

//go:embed templates
var files embed.FS

// DefaultLang is the language a mail falls back to.
const DefaultLang = outbox.DefaultLang

// Message is a rendered mail.
type Message struct {
	Subject string
	Text    string
	HTML    string
}

// Render renders a template in lang, falling back to Polish.
func Render(name, lang string, data map[string]string) (Message, error) {
	src, err := files.ReadFile("templates/" + lang + "/" + name + ".tmpl")
	if err != nil {
		src, err = files.ReadFile("templates/" + DefaultLang + "/" + name + ".tmpl")
	}
	if err != nil {
		return Message{}, fmt.Errorf("mail: no template %q", name)
	}
	text, err := template.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return Message{}, err
	}
	html, err := htmltemplate.New(name).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return Message{}, err
	}
	var m Message
	var buf bytes.Buffer
	for _, part := range []struct {
		name string
		dst  *string
		exec func(*bytes.Buffer) error
	}{
		{"subject", &m.Subject, func(b *bytes.Buffer) error { return text.ExecuteTemplate(b, "subject", data) }},
		{"text", &m.Text, func(b *bytes.Buffer) error { return text.ExecuteTemplate(b, "text", data) }},
		{"html", &m.HTML, func(b *bytes.Buffer) error { return html.ExecuteTemplate(b, "html", data) }},
	} {
		buf.Reset()
		if err := part.exec(&buf); err != nil {
			return Message{}, fmt.Errorf("mail: render %s/%s: %w", name, part.name, err)
		}
		*part.dst = strings.TrimSpace(buf.String())
	}
	return m, nil
}
