package staff_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/staff"
)

type member struct {
	AccountID        string  `json:"accountId"`
	Email            string  `json:"email"`
	Group            string  `json:"group"`
	OrganizationName *string `json:"organizationName"`
	Status           string  `json:"status"`
}

const staffPassword = "Nowe-Haslo-Partnera-2026"

// invite has the seeded operator invite a staff member, who sets a password
// through the mailed link and logs in.
func invite(t *testing.T, e *testenv.Env, op, group, org string) (member, testenv.Tokens) {
	t.Helper()
	email := testenv.Email(group)
	body := map[string]any{"email": email, "group": group}
	if org != "" {
		body["organizationName"] = org
	}
	var m member
	r := e.Call(t, "POST", "/operator/staff", op, body).Expect(t, 201)
	r.Decode(t, &m)
	if r.Calls > 3 {
		t.Errorf("invite: %d round trips", r.Calls)
	}
	mail := e.WaitMail(t, email, 1)
	if !strings.Contains(mail.Subject, "Zaproszenie") {
		t.Fatalf("invitation mail: %s", mail.Subject)
	}
	token := mail.LinkToken(t, "/reset-password")
	e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": token, "newPassword": staffPassword,
		"newPasswordRepeat": staffPassword}).Expect(t, 204)
	return m, e.Login(t, email, staffPassword)
}

// R15.10: operators invite partners (with their organization), inspectors
// and operators; the invited member sets a password through the link and
// works in the role; the list shows them.
func TestInviteStaff(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	_, c := e.CardHolder(t, nil)

	p, ptk := invite(t, e, op, "partners", "Aquapark Fala")
	if p.Group != "partners" || p.OrganizationName == nil || *p.OrganizationName != "Aquapark Fala" || p.Status != "active" {
		t.Fatalf("partner: %+v", p)
	}
	var v struct {
		Valid bool `json:"valid"`
	}
	e.Call(t, "POST", "/verify", ptk.AccessToken, map[string]string{"cardNumber": c.Number}).Expect(t, 200).Decode(t, &v)
	if !v.Valid {
		t.Fatal("the invited partner's check failed")
	}
	_, otk := invite(t, e, op, "operators", "")
	e.Call(t, "GET", "/operator/applications", otk.AccessToken, nil).Expect(t, 200)
	e.Call(t, "POST", "/verify", otk.AccessToken, map[string]string{"cardNumber": c.Number}).Expect(t, 403)

	var l struct{ Items []member }
	e.Call(t, "GET", "/operator/staff?limit=100", op, nil).Expect(t, 200).Decode(t, &l)
	seen := map[string]bool{}
	for _, m := range l.Items {
		seen[m.Email] = true
	}
	if !seen["operator@example.com"] || !seen["partner@example.com"] || !seen[p.Email] {
		t.Fatalf("staff list: %+v", l.Items)
	}
}

// R15.10, R14.2: a partner or inspector needs an organization, an operator
// has none; a taken e-mail is 409; nothing is made.
func TestInviteRules(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	cases := []struct {
		body        map[string]any
		field, code string
	}{
		{map[string]any{"email": testenv.Email("p"), "group": "partners"}, "organizationName", "required"},
		{map[string]any{"email": testenv.Email("i"), "group": "inspectors", "organizationName": " "}, "organizationName", "required"},
		{map[string]any{"email": testenv.Email("o"), "group": "operators", "organizationName": "MOSiR"}, "organizationName", "not_allowed"},
		{map[string]any{"email": testenv.Email("x"), "group": "admins"}, "group", "invalid"},
		{map[string]any{"email": "not-an-address", "group": "operators"}, "email", "invalid_email"},
	}
	for _, c := range cases {
		pr := e.Call(t, "POST", "/operator/staff", op, c.body).Expect(t, 422).Problem(t)
		if pr.Code != "validation_failed" || pr.Errors[0].Field != c.field || pr.Errors[0].Code != c.code {
			t.Errorf("%v: %+v", c.body, pr)
		}
	}
	h := e.NewHolder(t)
	pr := e.Call(t, "POST", "/operator/staff", op, map[string]any{"email": h.Email, "group": "operators"}).Expect(t, 409).Problem(t)
	if pr.Code != "email_taken" {
		t.Fatalf("taken: %+v", pr)
	}
	// The resident stays a resident.
	e.Call(t, "GET", "/profiles/me", h.Token, nil).Expect(t, 200)
}

// R15.10: a disabled partner's token, still valid by its signature, is
// refused at once, and the account cannot log in again; a resident's
// account cannot be "disabled" here (404), nor the operator's own.
func TestDisable(t *testing.T) {
	e := testenv.Get(t)
	opTk := e.Staff(t, "operator@example.com")
	op := opTk.AccessToken
	_, c := e.CardHolder(t, nil)
	p, ptk := invite(t, e, op, "partners", "Kino Muza")
	e.Call(t, "POST", "/verify", ptk.AccessToken, map[string]string{"cardNumber": c.Number}).Expect(t, 200)

	r := e.Call(t, "DELETE", "/operator/staff/"+p.AccountID, op, nil).Expect(t, 204)
	if r.Calls > 3 {
		t.Errorf("disable: %d round trips", r.Calls)
	}
	pr := e.Call(t, "POST", "/verify", ptk.AccessToken, map[string]string{"cardNumber": c.Number}).Expect(t, 401).Problem(t)
	if pr.Code != "account_disabled" {
		t.Fatalf("disabled partner's token: %+v", pr)
	}
	pr = e.Call(t, "POST", "/auth/login", "", map[string]string{"email": p.Email, "password": staffPassword}).Expect(t, 401).Problem(t)
	if pr.Code != "account_disabled" {
		t.Fatalf("disabled partner's login: %+v", pr)
	}
	e.Call(t, "DELETE", "/operator/staff/"+p.AccountID, op, nil).Expect(t, 204) // again: nothing to do
	var l struct{ Items []member }
	e.Call(t, "GET", "/operator/staff?limit=100", op, nil).Expect(t, 200).Decode(t, &l)
	for _, m := range l.Items {
		if m.AccountID == p.AccountID && m.Status != "disabled" {
			t.Fatalf("listed as %s", m.Status)
		}
	}

	var me struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", op, nil).Expect(t, 200).Decode(t, &me)
	pr = e.Call(t, "DELETE", "/operator/staff/"+me.AccountID, op, nil).Expect(t, 409).Problem(t)
	if pr.Code != "cannot_disable_self" {
		t.Fatalf("self: %+v", pr)
	}
	h := e.NewHolder(t)
	var acc struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", h.Token, nil).Expect(t, 200).Decode(t, &acc)
	e.Call(t, "DELETE", "/operator/staff/"+acc.AccountID, op, nil).Expect(t, 404)
	e.Call(t, "GET", "/account", h.Token, nil).Expect(t, 200)
}

// R15.10: the first operator of a deployment is made by a command
// (infra/cmd/create-operator calls this), invited like any operator; a second
// run for the same e-mail changes nothing.
func TestCreateFirstOperator(t *testing.T) {
	e := testenv.Get(t)
	email := testenv.Email("first-op")
	id, err := staff.CreateFirstOperator(context.Background(), e.Deps, email)
	if err != nil || id == "" {
		t.Fatalf("create: %q %v", id, err)
	}
	token := e.WaitMail(t, email, 1).LinkToken(t, "/reset-password")
	e.Call(t, "POST", "/auth/password/reset", "", map[string]string{"token": token, "newPassword": staffPassword,
		"newPasswordRepeat": staffPassword}).Expect(t, 204)
	tk := e.Login(t, email, staffPassword)
	e.Call(t, "GET", "/operator/staff", tk.AccessToken, nil).Expect(t, 200)
	if _, err := staff.CreateFirstOperator(context.Background(), e.Deps, email); !apierr.Is(err, staff.EmailTaken) {
		t.Fatalf("second run: %v", err)
	}
	var tr struct {
		Items []struct{ Action, ActorEmail string }
	}
	e.Call(t, "GET", "/operator/audit?actor=deployment", tk.AccessToken, nil).Expect(t, 200).Decode(t, &tr)
	if len(tr.Items) != 1 || tr.Items[0].Action != "staff.invite" || tr.Items[0].ActorEmail != "create-operator" {
		t.Fatalf("trail: %+v", tr.Items)
	}
}
