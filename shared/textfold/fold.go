// Package textfold is the one search form of human text (names, partners):
// lower case, without diacritics, spaces collapsed. Benefits and the
// resident index store it; queries are folded the same way.
package textfold

import (
	"strings"
	"unicode"
)

// letters maps letters with diacritics to their base letter: Polish first
// ("lodz" finds "Łódź"), and the other Latin letters partners' names use.
var letters = map[rune]rune{
	'ą': 'a', 'ć': 'c', 'ę': 'e', 'ł': 'l', 'ń': 'n', 'ó': 'o', 'ś': 's', 'ź': 'z', 'ż': 'z',
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'č': 'c', 'ç': 'c', 'ď': 'd',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'ě': 'e', 'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ň': 'n', 'ñ': 'n', 'ö': 'o', 'ô': 'o', 'ò': 'o', 'õ': 'o', 'ő': 'o', 'ř': 'r', 'š': 's',
	'ť': 't', 'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ů': 'u', 'ű': 'u', 'ý': 'y', 'ž': 'z',
}

// Fold is the search form of a text: lower case, without diacritics, spaces
// collapsed. Records keep the fold of what they are searched by, and a query
// is folded the same way, so the table's contains() matches "lodz" in "Łódź".
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if base, ok := letters[r]; ok {
			r = base
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
