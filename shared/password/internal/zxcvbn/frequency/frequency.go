// Package frequency holds zxcvbn's ranked word lists as sorted tables
// generated at build time (lists.go): a lookup is a binary search over data
// the binary maps in, so starting a function builds nothing.
package frequency

//go:generate go run ./gen

import "strings"

// List is one ranked dictionary: its words sorted and concatenated, where
// each ends, and each one's rank (1 is the most frequent).
type List struct {
	Name  string
	words string
	ends  []uint32
	ranks []uint16
}

// Len is the number of words.
func (l *List) Len() int { return len(l.ends) }

func (l *List) word(i int) string {
	start := uint32(0)
	if i > 0 {
		start = l.ends[i-1]
	}
	return l.words[start:l.ends[i]]
}

// Rank returns w's rank when the list has it; more tells whether a longer
// word starting with w is in the list, so a caller growing w can stop.
func (l *List) Rank(w string) (rank int, ok, more bool) {
	lo, hi := 0, len(l.ends)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.word(m) < w {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(l.ends) && l.word(lo) == w {
		rank, ok = int(l.ranks[lo]), true
		lo++
	}
	more = lo < len(l.ends) && strings.HasPrefix(l.word(lo), w)
	return rank, ok, more
}

// Word returns the i-th word in sorted order and its rank.
func (l *List) Word(i int) (string, int) { return l.word(i), int(l.ranks[i]) }
