package matching

import (
	"strings"
	"unicode/utf8"

	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/frequency"
	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/match"
)

type namedDict struct {
	name string
	dict rankedDictionnary
}

type dictionaryMatch struct {
	rankedDictionaries []namedDict
}

func (dm dictionaryMatch) Matches(password string) []*match.Match {
	var results []*match.Match

	for _, d := range dm.rankedDictionaries {
		for i := range password {
			for delta := range password[i:] {
				j := i + delta
				word := strings.ToLower(password[i : j+1])
				val, ok, more := d.dict.Rank(word)
				if ok {
					matchDic := &match.Match{
						Pattern:        "dictionary",
						I:              i,
						J:              j,
						Token:          password[i : j+1],
						MatchedWord:    word,
						Rank:           val,
						DictionaryName: d.name,
					}

					results = append(results, matchDic)
				}
				// No longer word starts with this one: stop growing it. Only
				// on whole runes, where lowercasing a longer token extends
				// this word.
				if !more && utf8.ValidString(password[i:j+1]) {
					break
				}
			}
		}
	}

	match.Sort(results)
	return results
}

func (dm dictionaryMatch) withDict(name string, d rankedDictionnary) dictionaryMatch {
	rd2 := make([]namedDict, 0, len(dm.rankedDictionaries)+1)
	rd2 = append(rd2, dm.rankedDictionaries...)
	rd2 = append(rd2, namedDict{name, d})
	return dictionaryMatch{rankedDictionaries: rd2}
}

// rankedDictionnary gives a word's rank; more tells whether a longer word
// with this prefix may be in the dictionary.
type rankedDictionnary interface {
	Rank(word string) (rank int, ok, more bool)
}

// mapDict is a dictionary built per call (the user's own inputs).
type mapDict map[string]int

func (m mapDict) Rank(w string) (int, bool, bool) {
	r, ok := m[w]
	return r, ok, true
}

func buildRankedDict(unrankedList []string) rankedDictionnary {
	result := make(mapDict)

	for i, v := range unrankedList {
		result[strings.ToLower(v)] = i + 1
	}

	return result
}

// loadDefaultDictionnaries takes the generated tables as they are: nothing is
// built when the program starts.
func loadDefaultDictionnaries() dictionaryMatch {
	rd := make([]namedDict, len(frequency.Lists))
	for i, l := range frequency.Lists {
		rd[i] = namedDict{l.Name, l}
	}
	return dictionaryMatch{rankedDictionaries: rd}
}
