// Package phone validates phone numbers as E.164 with libphonenumber's rules:
// the per-country patterns and lengths of its metadata, generated into
// metadata.go (`go generate`), and its parsing and validity logic for a number
// given in E.164, ported here. A number's patterns are compiled on first use,
// so a function starts without parsing any metadata.
package phone

//go:generate go run ./gen

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

type callingCode struct {
	cc      int
	regions []region // the main region first
}

type region struct {
	id               string // "001" for a non-geographic calling code
	leadingDigits    string
	prefixForParsing string
	prefixTransform  string
	general          desc
	types            []desc // the types of number that exist there
}

type desc struct {
	pattern   string
	lengths   []int32 // empty: those of the general description
	localOnly []int32
}

// Normalize returns the E.164 form of a number given in E.164 ("+48…"), and
// false when it is not a valid number.
func Normalize(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") || len(s) > 16 {
		return "", false
	}
	digits := s[1:]
	// The E.164 form is "+" and ASCII digits: anything else differs from it.
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false
		}
	}
	// A country code after the plus and more than two digits in all; none
	// begins with 0.
	if len(digits) <= 2 || digits[0] == '0' {
		return "", false
	}
	var code *callingCode
	var national string
	for i := 1; i <= 3 && i <= len(digits) && code == nil; i++ {
		cc, _ := strconv.Atoi(digits[:i])
		if c := lookup(cc); c != nil {
			code, national = c, digits[i:]
		}
	}
	if code == nil || len(national) < 2 {
		return "", false
	}
	// A national prefix libphonenumber would strip makes its E.164 form
	// another string than the one given.
	main := &code.regions[0]
	if stripped, ok := main.stripNationalPrefix(national); ok && stripped != national {
		switch main.testLength(stripped) {
		case tooShort, possibleLocalOnly, invalidLength:
		default:
			return "", false
		}
	}
	if !code.valid(national) {
		return "", false
	}
	return s, true
}

func lookup(cc int) *callingCode {
	i := sort.Search(len(callingCodes), func(i int) bool { return callingCodes[i].cc >= cc })
	if i < len(callingCodes) && callingCodes[i].cc == cc {
		return &callingCodes[i]
	}
	return nil
}

// valid: libphonenumber's IsValidNumber for the national significant number
// nsn: the region it belongs to (by leading digits, or the first whose types
// take it) has a type of number that takes it.
func (c *callingCode) valid(nsn string) bool {
	if len(c.regions) == 1 {
		return c.regions[0].hasType(nsn)
	}
	for i := range c.regions {
		r := &c.regions[i]
		if r.leadingDigits != "" {
			if pattern("^(?:" + r.leadingDigits + ")").MatchString(nsn) {
				return r.hasType(nsn)
			}
		} else if r.hasType(nsn) {
			return true
		}
	}
	return false
}

func (r *region) hasType(nsn string) bool {
	if !r.general.matches(nsn) {
		return false
	}
	for i := range r.types {
		if r.types[i].matches(nsn) {
			return true
		}
	}
	return false
}

func (d *desc) matches(nsn string) bool {
	if len(d.lengths) > 0 && !hasLength(d.lengths, len(nsn)) {
		return false
	}
	return pattern("^(?:" + d.pattern + ")$").MatchString(nsn)
}

func hasLength(ls []int32, n int) bool {
	for _, l := range ls {
		if int(l) == n {
			return true
		}
	}
	return false
}

// stripNationalPrefix is libphonenumber's maybeStripNationalPrefixAndCarrierCode.
func (r *region) stripNationalPrefix(n string) (string, bool) {
	if n == "" || r.prefixForParsing == "" {
		return n, false
	}
	prefix := pattern("^(?:" + r.prefixForParsing + ")")
	groups := prefix.FindStringSubmatchIndex(n)
	if groups == nil {
		return n, false
	}
	rule := pattern("^(?:" + r.general.pattern + ")$")
	viable := rule.MatchString(n)
	last := len(groups)/2 - 1
	if r.prefixTransform == "" || groups[last*2] < 0 {
		if viable && !rule.MatchString(n[groups[1]:]) {
			return n, false
		}
		return n[groups[1]:], true
	}
	t := prefix.ReplaceAllString(n, r.prefixTransform)
	if viable && !rule.MatchString(t) {
		return n, false
	}
	return t, true
}

type lengthResult int

const (
	possible lengthResult = iota
	possibleLocalOnly
	tooShort
	tooLong
	invalidLength
)

// testLength is libphonenumber's testNumberLength for any type of number.
func (r *region) testLength(n string) lengthResult {
	ls := r.general.lengths
	if len(ls) == 0 || ls[0] == -1 {
		return invalidLength
	}
	if hasLength(r.general.localOnly, len(n)) {
		return possibleLocalOnly
	}
	switch {
	case int(ls[0]) == len(n):
		return possible
	case int(ls[0]) > len(n):
		return tooShort
	case int(ls[len(ls)-1]) < len(n):
		return tooLong
	case hasLength(ls[1:], len(n)):
		return possible
	}
	return invalidLength
}

var patterns sync.Map // string → *regexp.Regexp

// pattern compiles a metadata pattern once, when a number first needs it.
func pattern(p string) *regexp.Regexp {
	if re, ok := patterns.Load(p); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := patterns.LoadOrStore(p, regexp.MustCompile(p))
	return re.(*regexp.Regexp)
}
