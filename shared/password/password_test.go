package password

import "testing"

// R3.2, R6.3: the policy refuses short, long and guessable passwords and takes
// long unusual ones without composition rules.
func TestProblem(t *testing.T) {
	long := make([]byte, MaxLength+1)
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	cases := []struct {
		pw     string
		inputs []string
		want   string
	}{
		{"short", nil, "too_short"},
		{string(long), nil, "too_long"},
		{"password1234", nil, "too_common"},
		{"qwertyuiop123", nil, "too_common"},
		{"aaaaaaaaaaaaaaaa", nil, "too_common"},
		{"kowalskijan1", []string{"jan", "kowalski", "jan.kowalski@example.com"}, "too_common"},
		{"LocalPassword-2026", nil, ""},
		{"zielony tramwaj jedzie nocą", nil, ""},
		{"correct horse battery staple", nil, ""},
		// The dictionaries are tables generated at build time, not maps built
		// at start: leet, keyboard walks, sequences, digits and a user's own
		// data are still refused, longer unusual phrases still taken.
		{"P@ssw0rd12345", nil, "too_common"},
		{"1qaz2wsx3edc", nil, "too_common"},
		{"12345678901234", nil, "too_common"},
		{"abcdefghijklmn", nil, "too_common"},
		{"Qwerty123456!", nil, "too_common"},
		{"pudełko-jabłek-zimą", nil, ""},
		{"Kartofel7Zegar", nil, ""},
	}
	for _, c := range cases {
		if got := Problem(c.pw, c.inputs...); got != c.want {
			t.Errorf("Problem(%q) = %q, want %q", c.pw, got, c.want)
		}
	}
}
