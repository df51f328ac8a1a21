package qrtoken

import (
	"context"
	"crypto/ecdsa"
	"strings"
	"testing"
	"time"
)

// R4.3 (virtual card QR): a token verifies with the published key until it
// expires; a changed token, another key or another type do not.
func TestIssueVerify(t *testing.T) {
	ctx := context.Background()
	s, err := ParseLocal(NewLocalKey())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	tok, exp, err := Issue(ctx, s, "01JCARD", "912345678903", now)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(TTL)) || TTL > time.Minute {
		t.Fatalf("expiry %v", exp)
	}
	j, err := PublicJWK(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := KeyOf(j)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]*ecdsa.PublicKey{j.Kid: pub}
	c, err := Verify(tok, keys, now.Add(59*time.Second))
	if err != nil || c.CardID != "01JCARD" || c.Number != "912345678903" {
		t.Fatalf("verify: %+v %v", c, err)
	}
	if _, err := Verify(tok, keys, now.Add(TTL)); err == nil {
		t.Fatal("an expired token verified")
	}
	parts := strings.Split(tok, ".")
	forged := parts[0] + "." + b64([]byte(`{"cid":"01JOTHER","num":"1","iat":1,"exp":9999999999,"jti":"x"}`)) + "." + parts[2]
	if _, err := Verify(forged, keys, now); err == nil {
		t.Fatal("a changed payload verified")
	}
	other, _ := ParseLocal(NewLocalKey())
	oj, _ := PublicJWK(ctx, other)
	op, _ := KeyOf(oj)
	if _, err := Verify(tok, map[string]*ecdsa.PublicKey{j.Kid: op}, now); err == nil {
		t.Fatal("verified with another key")
	}
	if s2, _ := ParseLocal(NewLocalKey()); s2.KeyID() == s.KeyID() {
		t.Fatal("two keys share a kid")
	}
}
