package zxcvbn

import (
	"math/rand/v2"
	"strings"
	"testing"

	upstream "github.com/trustelem/zxcvbn"
	upfreq "github.com/trustelem/zxcvbn/frequency"

	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/frequency"
)

// The generated tables hold upstream's lists exactly: every word with the rank
// upstream's ranked dictionary gives it (R3.2).
func TestTablesAreUpstreamLists(t *testing.T) {
	if len(frequency.Lists) != len(upfreq.FrequencyLists) {
		t.Fatalf("%d lists, upstream has %d", len(frequency.Lists), len(upfreq.FrequencyLists))
	}
	for _, l := range frequency.Lists {
		want := map[string]int{}
		for i, w := range upfreq.FrequencyLists[l.Name] {
			want[strings.ToLower(w)] = i + 1
		}
		if l.Len() != len(want) {
			t.Errorf("%s: %d words, upstream %d", l.Name, l.Len(), len(want))
		}
		for w, r := range want {
			if got, ok, _ := l.Rank(w); !ok || got != r {
				t.Errorf("%s: %q ranked %d (%v), upstream %d", l.Name, w, got, ok, r)
			}
		}
		if _, ok, _ := l.Rank("qqqq-not-a-word"); ok {
			t.Errorf("%s: finds a word it does not have", l.Name)
		}
	}
}

// The fork scores like upstream: the same guesses and score for passwords of
// every kind the matchers know (R3.2, R6.3).
func TestScoresAsUpstream(t *testing.T) {
	pws := []string{
		"password1234", "qwertyuiop123", "aaaaaaaaaaaaaaaa", "kowalskijan1", "LocalPassword-2026",
		"zielony tramwaj jedzie nocą", "correct horse battery staple", "P@ssw0rd!2024", "1qaz2wsx3edc",
		"dragon1985dragon", "Tr0ub4dour&3", "13.05.1987anna", "zxcvbnm,./", "abcdefghijkl",
		"ŻółćGęśląJaźń1!", "mojehasło123", "iloveyouiloveyou", "MonkeyMonkey", "drowssap",
		// Repeats and dates, which upstream finds with regexp2.
		"aabaabaabaab", "aaaaa", "abcabcabc", "zażółćzażółć", "ąąąąąąąą1", "xyxyxyxy\nxyxy", "ab\nab\nab\n",
		"1.1.91", "11/11/1991", "2015_06_04", "13-05-1987 anna", "1991 11 11", "01\u00a001\u00a091",
		"11\\11\\1991", "1-1-1-1-1991", "111504", "11111991", "١٢٣٤٥٦", "12.ab.1991", "12/12-1990",
		"2001.9.11x", "ąę12.12.12", "12345/1/1", "1/123/1990",
	}
	r := rand.New(rand.NewPCG(14, 3))
	alphabet := []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ ąęłńóśźż")
	dateish := []rune("0123456789012345678901234567890123456789/._- \\\u00a0a١")
	words := upfreq.FrequencyLists["passwords"]
	names := upfreq.FrequencyLists["surnames"]
	// Repeats and date-like runs, and random text.
	for range 400 {
		var s []rune
		for range 6 + r.IntN(10) {
			s = append(s, dateish[r.IntN(len(dateish))])
		}
		base := s[:1+r.IntN(3)]
		for range r.IntN(4) {
			s = append(s, base...)
		}
		pws = append(pws, string(s))
	}
	for range 300 {
		var s []rune
		for range 1 + r.IntN(3) {
			switch r.IntN(3) {
			case 0:
				s = append(s, []rune(words[r.IntN(len(words))])...)
			case 1:
				s = append(s, []rune(names[r.IntN(len(names))])...)
			default:
				for range 1 + r.IntN(6) {
					s = append(s, alphabet[r.IntN(len(alphabet))])
				}
			}
		}
		pws = append(pws, string(s))
	}
	inputs := []string{"jan", "kowalski", "jan.kowalski@example.com"}
	for _, pw := range pws {
		got, want := PasswordStrength(pw, inputs), upstream.PasswordStrength(pw, inputs)
		if got.Score != want.Score || got.Guesses != want.Guesses {
			t.Errorf("%q: score %d guesses %g, upstream %d %g", pw, got.Score, got.Guesses, want.Score, want.Guesses)
		}
	}
}
