// Package mail renders the platform's mail from templates (Polish first) and
// sends it through SES v2. Nothing but the mail sender sends: every other
// function writes an outbox item in the transaction of the change that causes
// the mail (Enqueue), and the table's stream hands it to the sender.
package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

//go:embed templates
var files embed.FS

// Template names.
const (
	Activation      = "activation"
	AccountExists   = "account_exists"
	PasswordReset   = "password_reset"
	PasswordChanged = "password_changed"
	AppSubmitted    = "application_submitted"
	AppAccepted     = "application_accepted"
	AppRejected     = "application_rejected"
	CardReady       = "card_ready"
)

// DefaultLang is the language of every mail unless the recipient chose another.
const DefaultLang = "pl"

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

// outboxTTL removes sent mail records after a while (they hold an address).
const outboxTTL = 30 * 24 * time.Hour

// Enqueue adds a mail to a change's transaction. id must be unique per mail; a
// deterministic id (e.g. per account and day) makes the mail at most one.
func Enqueue(tx *store.Tx, now time.Time, id, name, to string, data map[string]string, onDuplicate error) {
	tx.Create(&store.Outbox{
		Key:       store.OutboxKey(id),
		ID:        id,
		Template:  name,
		To:        to,
		Lang:      DefaultLang,
		Data:      data,
		CreatedAt: now.UTC(),
		TTL:       now.Add(outboxTTL).Unix(),
	}, onDuplicate)
}
