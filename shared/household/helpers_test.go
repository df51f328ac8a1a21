package household_test

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type profileView struct {
	ProfileID    string  `json:"profileId"`
	FirstName    string  `json:"firstName"`
	LastName     string  `json:"lastName"`
	BirthDate    string  `json:"birthDate"`
	Relationship *string `json:"relationship"`
	Status       string  `json:"status"`
	Head         bool    `json:"head"`
	Email        *string `json:"email"`
}

const newPassword = "Czerwony-Autobus-2027"

func adultBody(email string) map[string]any {
	return map[string]any{"firstName": "Jan", "lastName": "Nowak", "birthDate": "1995-06-01", "relationship": "spouse", "email": email}
}

func childBody() map[string]any {
	return map[string]any{"firstName": "Ola", "lastName": "Nowak", "birthDate": "2016-03-10", "relationship": "child"}
}

// add adds a member to the head's household.
func add(t *testing.T, e *testenv.Env, head testenv.Holder, body map[string]any) profileView {
	t.Helper()
	var p profileView
	res := e.Call(t, "POST", "/family", head.Token, body).Expect(t, 201)
	if res.Calls > 3 {
		t.Errorf("POST /family: %d round trips, budget 3", res.Calls)
	}
	res.Decode(t, &p)
	return p
}

// mails lists the outbox mail to an address of a template, oldest first.
func mails(t *testing.T, e *testenv.Env, to, template string) []outbox.Item {
	t.Helper()
	var out []outbox.Item
	for _, m := range e.Outbox(t, to) {
		if m.Template == template {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}

// invitation is the token of the newest invitation mailed to an address.
func invitation(t *testing.T, e *testenv.Env, to string, n int) string {
	t.Helper()
	ms := mails(t, e, to, outbox.FamilyInvitation)
	if len(ms) != n {
		t.Fatalf("%d invitations to %s, want %d", len(ms), to, n)
	}
	link := ms[n-1].Data["link"]
	if !strings.HasPrefix(link, testenv.PortalURL+"/invitation?token=") {
		t.Fatalf("invitation link %q", link)
	}
	u, _ := url.Parse(link)
	return u.Query().Get("token")
}

func accept(token string) map[string]string {
	return map[string]string{"token": token, "newPassword": newPassword, "newPasswordRepeat": newPassword}
}

// setAttr writes one attribute of an item directly: a way to move a link's
// or a cooldown's time into the past without a clock.
func setAttr(t *testing.T, e *testenv.Env, k store.Key, name string, v any) {
	t.Helper()
	if err := store.Of(e.Deps).Update(context.Background(), k, expression.Set(expression.Name(name), expression.Value(v)), store.Exists(), nil); err != nil {
		t.Fatal(err)
	}
}

func code(t *testing.T, r *testenv.Resp, status int, want string) {
	t.Helper()
	if p := r.Expect(t, status).Problem(t); p.Code != want {
		t.Fatalf("code %s, want %s (%s)", p.Code, want, r.Body)
	}
}
