// Package frequency holds zxcvbn's ranked word lists as sorted tables
// generated at build time (lists.go): a lookup is a binary search over data
// the binary maps in, so starting a function builds nothing.
package frequency

//go:generate go run ./gen

import "strings"

// List is one ranked dictionary: its words grouped by length in bytes, each
// group sorted and concatenated (groups[l-1] to groups[l] in words holds the
// words of l bytes), and each word's rank in the same order (1 is the most
// frequent).
type List struct {
	Name   string
	words  string
	groups []uint32
	ranks  []uint16
}

// Len is the number of words.
func (l *List) Len() int { return len(l.ranks) }

// Rank returns w's rank when the list has it; more tells whether a longer
// word starting with w is in the list, so a caller growing w can stop.
func (l *List) Rank(w string) (rank int, ok, more bool) {
	n := len(w)
	if n == 0 || n >= len(l.groups) {
		return 0, false, false
	}
	if start, end := int(l.groups[n-1]), int(l.groups[n]); start < end {
		lo, hi := 0, (end-start)/n
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if l.words[start+m*n:start+m*n+n] < w {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < (end-start)/n && l.words[start+lo*n:start+lo*n+n] == w {
			rank, ok = int(l.ranks[l.index(n, start, lo)]), true
		}
	}
	return rank, ok, l.hasLonger(w)
}

// index is the position in ranks of the i-th word of n bytes at start.
func (l *List) index(n, start, i int) int {
	k := i
	for m := 1; m < n; m++ {
		k += int(l.groups[m]-l.groups[m-1]) / m
	}
	return k
}

// hasLonger tells whether a word longer than w starts with w.
func (l *List) hasLonger(w string) bool {
	for m := len(w) + 1; m < len(l.groups); m++ {
		start, end := int(l.groups[m-1]), int(l.groups[m])
		lo, hi := 0, (end-start)/m
		for lo < hi {
			k := int(uint(lo+hi) >> 1)
			if l.words[start+k*m:start+k*m+m] < w {
				lo = k + 1
			} else {
				hi = k
			}
		}
		if lo < (end-start)/m && strings.HasPrefix(l.words[start+lo*m:start+lo*m+m], w) {
			return true
		}
	}
	return false
}
