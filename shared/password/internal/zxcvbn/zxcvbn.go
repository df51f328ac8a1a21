// Package zxcvbn is github.com/trustelem/zxcvbn v1.0.1 (MIT, LICENSE.txt) with
// its word lists as tables generated at build time (package frequency)
// instead of maps built when a program starts, and its keyboard graphs built
// on first use; scoring is unchanged
// (equivalence_test.go compares it with upstream).
package zxcvbn

import (
	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/match"
	"time"
	"unicode/utf8"

	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/matching"
	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn/scoring"
)

type Result struct {
	Guesses  float64
	Sequence []*match.Match
	Score    int
	CalcTime float64
}

func PasswordStrength(password string, userInputs []string) Result {
	start := time.Now()
	var result Result
	if !utf8.ValidString(password) {
		// Do not evaluate passwords containing invalid utf8
		// => those will be reported as weak passwords
		return result
	}
	matches := matching.Omnimatch(password, userInputs)
	seq := scoring.MostGuessableMatchSequence(password, matches, false)
	end := time.Now()
	calcTime := end.Nanosecond() - start.Nanosecond()
	result.CalcTime = round(float64(calcTime)*time.Nanosecond.Seconds(), .5, 3)
	result.Sequence = seq.Sequence
	result.Guesses = seq.Guesses
	result.Score = guessesToScore(seq.Guesses)
	return result
}
