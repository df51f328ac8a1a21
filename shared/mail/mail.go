// Package mail renders the platform's mail from templates (Polish first) and
// sends it through SES v2. Only the mail sender imports it: every other
// function writes an outbox item (package outbox) in the transaction of the
// change that causes the mail, and the table's stream hands it to the sender.
package mail

import (
	"embed"
	"fmt"
	"strings"

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
	text, err := parseTemplate(string(src), false)
	if err != nil {
		return Message{}, fmt.Errorf("mail: template %s: %w", name, err)
	}
	html, err := parseTemplate(string(src), true)
	if err != nil {
		return Message{}, fmt.Errorf("mail: template %s: %w", name, err)
	}
	var m Message
	for _, part := range []struct {
		name  string
		dst   *string
		nodes map[string][]node
		html  bool
	}{{"subject", &m.Subject, text, false}, {"text", &m.Text, text, false}, {"html", &m.HTML, html, true}} {
		nodes, ok := part.nodes[part.name]
		if !ok {
			return Message{}, fmt.Errorf("mail: template %s has no part %q", name, part.name)
		}
		var b strings.Builder
		if err := execute(&b, nodes, data, part.html); err != nil {
			return Message{}, fmt.Errorf("mail: render %s/%s: %w", name, part.name, err)
		}
		*part.dst = strings.TrimSpace(b.String())
	}
	return m, nil
}
