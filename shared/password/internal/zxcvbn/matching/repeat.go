package matching

import (
	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/match"
	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/scoring"
)

type repeatMatch struct{}

// Upstream finds repeats with dlclark/regexp2 (backreferences): greedy
// (.+)\1+, lazy (.+?)\1+ and ^(.+?)\1+$. The functions below do the same
// searches over runes, as regexp2 does, without a regexp engine in the binary.

// repeatRun is a match of (.+)\1+ or (.+?)\1+ over runes: it starts at
// index, spans length runes and repeats a base of baseLen runes.
type repeatRun struct {
	index, length, baseLen int
}

// findRepeat is the leftmost match at or after the rune start; greedy takes
// the longest base there, lazy the shortest, and either repeats it as often
// as it can. "." matches any rune but a newline.
func findRepeat(r []rune, start int, greedy bool) (repeatRun, bool) {
	for p := start; p < len(r); p++ {
		maxL := 0
		for p+maxL < len(r) && r[p+maxL] != '\n' {
			maxL++
		}
		try := func(l int) (repeatRun, bool) {
			if p+2*l > len(r) || !equalRunes(r[p:p+l], r[p+l:p+2*l]) {
				return repeatRun{}, false
			}
			k := 2
			for p+(k+1)*l <= len(r) && equalRunes(r[p:p+l], r[p+k*l:p+(k+1)*l]) {
				k++
			}
			return repeatRun{index: p, length: k * l, baseLen: l}, true
		}
		if greedy {
			for l := maxL; l >= 1; l-- {
				if m, ok := try(l); ok {
					return m, true
				}
			}
		} else {
			for l := 1; l <= maxL; l++ {
				if m, ok := try(l); ok {
					return m, true
				}
			}
		}
	}
	return repeatRun{}, false
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// shortestBase is ^(.+?)\1+$: the shortest base that token repeats.
func shortestBase(token []rune) ([]rune, bool) {
	for l := 1; 2*l <= len(token); l++ {
		if token[l-1] == '\n' {
			break
		}
		if len(token)%l != 0 {
			continue
		}
		ok := true
		for k := l; k < len(token) && ok; k += l {
			ok = equalRunes(token[:l], token[k:k+l])
		}
		if ok {
			return token[:l], true
		}
	}
	return nil, false
}

// runeStart is regexp2's start index: the byte index startAt as a rune
// index, -1 when it is not the start of a rune.
func runeStart(s string, startAt int) ([]rune, int) {
	r := make([]rune, 0, len(s))
	idx := -1
	for i, c := range s {
		if i == startAt {
			idx = len(r)
		}
		r = append(r, c)
	}
	if startAt == len(s) {
		idx = len(r)
	}
	return r, idx
}

func runeToStringIndex(index int, password string) int {
	runes := 0
	for i := range password {
		if runes == index {
			return i
		}
		runes++
	}
	//shouldn't really get here
	return len(password)
}

func (repeatMatch) Matches(password string) []*match.Match {
	var matches []*match.Match

	lastIndex := 0
	for lastIndex < len(password) {
		runes, start := runeStart(password, lastIndex)
		if start < 0 {
			break // upstream's regexp2 refuses a start inside a rune
		}
		greedyMatch, ok := findRepeat(runes, start, true)
		if !ok {
			break
		}
		lazyMatch, _ := findRepeat(runes, start, false)

		var rmatch repeatRun
		var baseToken string
		if greedyMatch.length > lazyMatch.length {
			// greedy beats lazy for 'aabaab'
			//   greedy: [aabaab, aab]
			//   lazy:   [aa,     a]
			rmatch = greedyMatch
			// greedy's repeated string might itself be repeated, eg.
			// aabaab in aabaabaabaab.
			// run an anchored lazy match on greedy's repeated string
			// to find the shortest repeated string
			if b, ok := shortestBase(runes[rmatch.index : rmatch.index+rmatch.length]); ok {
				baseToken = string(b)
			}
		} else {
			// lazy beats greedy for 'aaaaa'
			//   greedy: [aaaa,  aa]
			//   lazy:   [aaaaa, a]
			rmatch = lazyMatch
			baseToken = string(runes[rmatch.index : rmatch.index+rmatch.baseLen])
		}
		token := string(runes[rmatch.index : rmatch.index+rmatch.length])
		// rmatch indices are rune offsets and so need to be converted to
		// string offsets
		i := runeToStringIndex(rmatch.index, password)
		j := runeToStringIndex(rmatch.index+rmatch.length-1, password)

		// recursively match and score the base string
		baseAnalysis := scoring.MostGuessableMatchSequence(
			baseToken,
			Omnimatch(baseToken, nil),
			false,
		)
		matches = append(matches, &match.Match{
			Pattern:     "repeat",
			I:           i,
			J:           j,
			Token:       token,
			BaseToken:   baseToken,
			BaseGuesses: baseAnalysis.Guesses,
			BaseMatches: baseAnalysis.Sequence,
			RepeatCount: rmatch.length / len(baseToken), // runes by bytes, as upstream
		})
		lastIndex = j + 1

	}
	return matches
}
