package mail

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/shared/outbox"
)

// R14.1: every template renders in Polish, as text and as escaped HTML.
func TestRender(t *testing.T) {
	data := map[string]string{"firstName": "Zażółć <b>", "link": "http://portal.test/x?token=abc&y=1",
		"typeName": "Wydanie karty", "applicationId": "01J", "comment": "<b>", "number": "912345678903", "pickupPoint": "Rynek 1",
		"packages": "• Sport <b>: ważny do 2026-05-14, zostało 7 dni", "expiredOnly": "", "inviter": "Anna <b>", "scope": "household"}
	for _, name := range []string{outbox.Activation, outbox.AccountExists, outbox.PasswordReset, outbox.PasswordChanged, outbox.AppSubmitted, outbox.AppAccepted, outbox.AppRejected, outbox.CardReady,
		outbox.CaseMessage, outbox.EntitlementExpiry, outbox.FamilyInvitation, outbox.FamilyAccountExists, outbox.Erased, outbox.ComingOfAge} {
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
