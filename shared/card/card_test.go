package card

import (
	"testing"

	"github.com/kartamieszkanca/platform/shared/store"
)

// R4.3: card numbers carry a check digit that catches a mistyped digit and a
// swap of neighbours (all but 09↔90, Luhn's one blind spot).
func TestNumber(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		n := Number()
		if !ValidNumber(n) {
			t.Fatalf("%s fails its own check digit", n)
		}
		seen[n] = true
		b := []byte(n)
		b[5] = '0' + (b[5]-'0'+1)%10
		if ValidNumber(string(b)) {
			t.Fatalf("%s with one digit changed passes", n)
		}
		s := []byte(n)
		if s[3] != s[4] && !(s[3] == '0' && s[4] == '9' || s[3] == '9' && s[4] == '0') {
			s[3], s[4] = s[4], s[3]
			if ValidNumber(string(s)) {
				t.Fatalf("%s with two digits swapped passes", n)
			}
		}
	}
	if len(seen) < 990 {
		t.Fatalf("only %d distinct numbers in 1000", len(seen))
	}
	for _, bad := range []string{"", "12345678901", "1234567890123", "91234567890x"} {
		if ValidNumber(bad) {
			t.Errorf("%q passes", bad)
		}
	}
}

// Owner-qualified ids: the owner is read back; anything else is not an id.
func TestOwnedID(t *testing.T) {
	owner := "01JC0000000000000000000000"
	id := store.OwnedID(owner)
	if got, ok := store.OwnerOf(id); !ok || got != owner {
		t.Fatalf("OwnerOf(%s) = %s, %v", id, got, ok)
	}
	for _, bad := range []string{"", owner, owner + ".", "x." + owner, owner + "." + owner + ".x", "../" + owner} {
		if _, ok := store.OwnerOf(bad); ok {
			t.Errorf("OwnerOf(%q) accepted", bad)
		}
	}
}
