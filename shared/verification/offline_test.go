package verification_test

import (
	"crypto/ecdsa"
	"net/url"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/cardqr"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
)

type revocations struct {
	Items []struct {
		CardID    string    `json:"cardId"`
		Number    string    `json:"number"`
		RevokedAt time.Time `json:"revokedAt"`
		Reason    string    `json:"reason"`
	} `json:"items"`
	NextCursor *string   `json:"nextCursor"`
	AsOf       time.Time `json:"asOf"`
}

func revoked(t *testing.T, e *testenv.Env, token string, since time.Time, query string) (revocations, *testenv.Resp) {
	t.Helper()
	var l revocations
	res := e.Call(t, "GET", "/cards/revocations?since="+url.QueryEscape(since.Format(time.RFC3339Nano))+query, token, nil).Expect(t, 200)
	res.Decode(t, &l)
	return l, res
}

// R15.2: a block and an unblock enter the revocation list in their own
// transaction; verifiers read it as deltas since an instant, paged, in one
// Query; residents and operators do not read it.
func TestRevocationList(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	h, c := e.CardHolder(t, nil)
	since := time.Now().Add(-time.Second)

	e.Call(t, "POST", h.Path("/cards/"+c.CardID+"/block"), h.Token, map[string]string{"reason": "stolen"}).Expect(t, 200)
	l, res := revoked(t, e, s.inspector, since, "")
	var reasons []string
	for _, it := range l.Items {
		if it.CardID == c.CardID {
			if it.Number != c.Number || it.RevokedAt.Before(since) {
				t.Fatalf("entry %+v", it)
			}
			reasons = append(reasons, it.Reason)
		}
	}
	if len(reasons) != 1 || reasons[0] != "stolen" {
		t.Fatalf("after the block the list has %v for the card: %s", reasons, res.Body)
	}
	if l.AsOf.IsZero() || l.AsOf.After(time.Now()) {
		t.Fatalf("asOf %v", l.AsOf)
	}
	// The gate's read and the list's Query.
	if res.Calls > 2 {
		t.Errorf("GET /cards/revocations made %d round trips, budget 2", res.Calls)
	}

	// The operator's unblock lifts it: an entry of its own, after the block.
	e.Call(t, "POST", "/operator/cards/"+c.CardID+"/unblock", op, nil).Expect(t, 200)
	l, _ = revoked(t, e, s.partner, since, "")
	reasons = nil
	for _, it := range l.Items {
		if it.CardID == c.CardID {
			reasons = append(reasons, it.Reason)
		}
	}
	if len(reasons) != 2 || reasons[1] != "unblocked" {
		t.Fatalf("after the unblock the list has %v for the card", reasons)
	}

	// Paged like every list; a later since leaves the entries out.
	l, _ = revoked(t, e, s.partner, since, "&limit=1")
	if len(l.Items) != 1 || l.NextCursor == nil {
		t.Fatalf("limit=1: %+v", l)
	}
	var rest revocations
	e.Call(t, "GET", "/cards/revocations?since="+url.QueryEscape(since.Format(time.RFC3339Nano))+"&cursor="+url.QueryEscape(*l.NextCursor), s.partner, nil).
		Expect(t, 200).Decode(t, &rest)
	if len(rest.Items) == 0 {
		t.Fatal("the second page is empty")
	}
	l, _ = revoked(t, e, s.partner, time.Now().Add(time.Hour), "")
	if len(l.Items) != 0 {
		t.Fatalf("since an hour ahead: %+v", l.Items)
	}

	// R14.2: since is required and an instant.
	for _, q := range []string{"", "?since=yesterday"} {
		p := e.Call(t, "GET", "/cards/revocations"+q, s.partner, nil).Expect(t, 422).Problem(t)
		if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Field != "since" {
			t.Fatalf("%q: %+v", q, p)
		}
	}
	for _, token := range []string{h.Token, op} {
		if p := e.Call(t, "GET", "/cards/revocations?since=2026-01-01T00:00:00Z", token, nil).Expect(t, 403).Problem(t); p.Code != "forbidden" {
			t.Fatalf("code %s", p.Code)
		}
	}
}

func publishedKeys(t *testing.T, e *testenv.Env) map[string]*ecdsa.PublicKey {
	t.Helper()
	var set struct{ Keys []qrtoken.JWK }
	e.Call(t, "GET", "/cards/qr-keys", "", nil).Expect(t, 200).Decode(t, &set)
	keys := map[string]*ecdsa.PublicKey{}
	for _, j := range set.Keys {
		k, err := qrtoken.KeyOf(j)
		if err != nil {
			t.Fatal(err)
		}
		keys[j.Kid] = k
	}
	return keys
}

type statement struct {
	CardNumber string    `json:"cardNumber"`
	At         time.Time `json:"at"`
	Valid      bool      `json:"valid"`
	Reason     *string   `json:"reason"`
	Packages   []struct {
		PackageID string `json:"packageId"`
	} `json:"packages"`
	Exp int64 `json:"exp"`
}

func validity(t *testing.T, e *testenv.Env, keys map[string]*ecdsa.PublicKey, h testenv.Holder, cardID string, at time.Time) (statement, string) {
	t.Helper()
	var v struct {
		Statement string    `json:"statement"`
		ExpiresAt time.Time `json:"expiresAt"`
	}
	res := e.Call(t, "GET", h.Path("/cards/"+cardID+"/validity?at="+url.QueryEscape(at.Format(time.RFC3339Nano))), h.Token, nil).Expect(t, 200)
	res.Decode(t, &v)
	if res.Calls > 2 {
		t.Errorf("GET …/validity made %d round trips, budget 2", res.Calls)
	}
	var st statement
	if err := qrtoken.VerifySigned(v.Statement, cardqr.StatementType, keys, &st); err != nil {
		t.Fatalf("the statement does not verify with the published keys: %v", err)
	}
	if st.Exp != v.ExpiresAt.Unix() {
		t.Fatalf("exp %d, expiresAt %v", st.Exp, v.ExpiresAt)
	}
	return st, v.Statement
}

// R15.3: a signed statement of the card's validity at a past instant, from
// its history, checked with the published QR keys alone; it never passes for
// a QR token.
func TestValidityStatement(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	keys := publishedKeys(t, e)
	before := time.Now().Add(-time.Hour)
	h, c := e.CardHolder(t, nil)
	valid := time.Now()

	st, jws := validity(t, e, keys, h, c.CardID, valid)
	if !st.Valid || st.Reason != nil || st.CardNumber != c.Number || len(st.Packages) != 2 || !st.At.Equal(valid.Truncate(time.Nanosecond)) {
		t.Fatalf("while active: %+v", st)
	}
	v, res := verify(t, e, s.partner, map[string]string{"qrToken": jws})
	nothingDisclosed(t, v, res, "token_invalid")

	st, _ = validity(t, e, keys, h, c.CardID, before)
	if st.Valid || st.Reason == nil || *st.Reason != "not_active" || len(st.Packages) != 0 {
		t.Fatalf("before the card existed: %+v", st)
	}

	e.Call(t, "POST", h.Path("/cards/"+c.CardID+"/block"), h.Token, map[string]string{"reason": "lost"}).Expect(t, 200)
	st, _ = validity(t, e, keys, h, c.CardID, time.Now())
	if st.Valid || st.Reason == nil || *st.Reason != "blocked" || len(st.Packages) != 0 {
		t.Fatalf("after the block: %+v", st)
	}
	// The instant before the block still stands as it was.
	st, _ = validity(t, e, keys, h, c.CardID, valid)
	if !st.Valid || len(st.Packages) != 2 {
		t.Fatalf("an instant before the block, asked after it: %+v", st)
	}

	// R14.2, R14.3: at is a past instant; another's card is 404.
	for _, q := range []string{"", "?at=soon", "?at=" + url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339))} {
		p := e.Call(t, "GET", h.Path("/cards/"+c.CardID+"/validity"+q), h.Token, nil).Expect(t, 422).Problem(t)
		if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Field != "at" {
			t.Fatalf("%q: %+v", q, p)
		}
	}
	other, oc := e.CardHolder(t, nil)
	at := "?at=" + url.QueryEscape(time.Now().Format(time.RFC3339))
	mine := e.Call(t, "GET", h.Path("/cards/"+oc.CardID+"/validity"+at), h.Token, nil).Expect(t, 404).Problem(t)
	if mine.Code != "not_found" {
		t.Fatalf("another's card: %+v", mine)
	}
	_ = other
}
