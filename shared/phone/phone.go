// Package phone validates phone numbers as E.164 with libphonenumber's rules.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Normalize returns the E.164 form of a number given in E.164 ("+48…"), and
// false when it is not a valid number.
func Normalize(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") || len(s) > 16 {
		return "", false
	}
	n, err := phonenumbers.Parse(s, "PL")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	return e164, e164 == s
}
