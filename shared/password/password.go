// Package password is the one password policy, the same as the user pool's:
// 12 to 256 characters, no composition rules, and refused when it is common or
// easy to guess (NIST SP 800-63B 3.1.1.2, OWASP ASVS 6.2). Guessability is
// judged by zxcvbn, which knows common passwords, names and keyboard patterns.
package password

import (
	"unicode/utf8"

	"github.com/kartamieszkanca/platform/shared/password/internal/zxcvbn"
)

const (
	MinLength = 12
	MaxLength = 256
	// MinScore is zxcvbn's 0–4 scale: 3 is "safely unguessable" (about 10^8
	// guesses), the level it recommends against offline attacks on slow hashes.
	MinScore = 3
)

// Problem says why a password is refused; "" means it is accepted.
func Problem(pw string, userInputs ...string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return "too_short"
	case n > MaxLength:
		return "too_long"
	}
	if zxcvbn.PasswordStrength(pw, userInputs).Score < MinScore {
		return "too_common"
	}
	return ""
}
