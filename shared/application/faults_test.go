package application_test

import (
	"strconv"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// retryLater asserts the answer of a dependency throttled past the SDK's
// retries: 503 retry_later with Retry-After.
func retryLater(t *testing.T, res *testenv.Resp) {
	t.Helper()
	res.Expect(t, 503)
	if p := res.Problem(t); p.Code != "retry_later" {
		t.Fatalf("code %s", p.Code)
	}
	if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
}

// Issue 13, API.md "Limits", R14.2: submit (reads of the table, S3's
// checks of the files, the transaction) with each dependency throttled past
// the SDK's retries answers 503 retry_later and leaves the draft as it was;
// throttled within the retries, it succeeds; the retry after an outage
// completes.
func TestSubmitUnderFaults(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	var a struct {
		ApplicationID string `json:"applicationId"`
		Status        string `json:"status"`
	}
	e.Call(t, "POST", h.Path("/applications"), h.Token, map[string]any{"type": "card_issue", "data": e.CardData(t, h, h.ProfileID, nil)}).
		Expect(t, 201).Decode(t, &a)
	submit := h.Path("/applications/" + a.ApplicationID + "/submit")
	still := func(op string) {
		t.Helper()
		var got struct{ Status string }
		e.Call(t, "GET", h.Path("/applications/"+a.ApplicationID), h.Token, nil).Expect(t, 200).Decode(t, &got)
		if got.Status != "draft" {
			t.Fatalf("after %s failed the application is %s", op, got.Status)
		}
	}
	for _, op := range []string{"Query", "HeadObject", "TransactWriteItems"} {
		e.FailNext(op, 1)
		retryLater(t, e.Call(t, "POST", submit, h.Token, nil))
		still(op)
	}
	// Throttled twice within one call: the SDK's retries carry it.
	e.FailAttempts("TransactWriteItems", 2)
	e.Call(t, "POST", submit, h.Token, nil).Expect(t, 200)
}

// Issue 13: Cognito throttled past the SDK's retries at login and at
// registration answers 503 retry_later; the registration's retry completes
// with one account and one activation mail.
func TestCognitoFaults(t *testing.T) {
	e := testenv.Get(t)
	email, _ := e.Resident(t)
	e.FailNext("InitiateAuth", 1)
	retryLater(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": testenv.ResidentPassword}))
	e.Call(t, "POST", "/auth/login", "", map[string]string{"email": email, "password": testenv.ResidentPassword}).Expect(t, 200)

	fresh := testenv.Email("cognito-fault")
	for _, op := range []string{"AdminCreateUser", "AdminSetUserPassword"} {
		e.FailNext(op, 1)
		retryLater(t, e.Call(t, "POST", "/auth/register", "", testenv.Registration(fresh)))
	}
	e.Call(t, "POST", "/auth/register", "", testenv.Registration(fresh)).Expect(t, 202)
	token := e.WaitMail(t, fresh, 1).LinkToken(t, "/activate")
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": token}).Expect(t, 204)
	e.Call(t, "POST", "/auth/login", "", map[string]string{"email": fresh, "password": testenv.ResidentPassword}).Expect(t, 200)
	if n := len(e.Mails(t, fresh)); n != 1 {
		t.Fatalf("%d mails to the registrant, want the one activation mail", n)
	}
}
