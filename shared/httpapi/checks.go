package httpapi

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kartamieszkanca/platform/shared/apierr"
)

// Checks collects field errors; the rules of every request body use it so the
// same problem is always reported with the same code.
type Checks struct {
	fields []apierr.FieldError
	// code overrides the 422's code (e.g. consent_required) when set.
	code apierr.Code
	msg  string
}

// Fail records a field error.
func (c *Checks) Fail(field, code string) {
	c.fields = append(c.fields, apierr.FieldError{Field: field, Code: code})
}

// FailAs records a field error and makes the whole answer carry code.
func (c *Checks) FailAs(code apierr.Code, msg, field, fieldCode string) {
	if c.code == "" {
		c.code, c.msg = code, msg
	}
	c.Fail(field, fieldCode)
}

// Required: a non-blank string.
func (c *Checks) Required(field, v string) bool {
	if strings.TrimSpace(v) == "" {
		c.Fail(field, "required")
		return false
	}
	return true
}

// Text: a required single line of at most max characters, for every human
// text field (names, subjects): see plain.
func (c *Checks) Text(field, v string, max int) {
	if c.Required(field, v) {
		c.text(field, v, max, false)
	}
}

// OptionalText is Text for a field that may be left empty (a draft's).
func (c *Checks) OptionalText(field, v string, max int) {
	if v != "" {
		c.text(field, v, max, false)
	}
}

// Paragraphs is text that may span lines (a comment); it may be empty.
func (c *Checks) Paragraphs(field, v string, max int) {
	if v != "" {
		c.text(field, v, max, true)
	}
}

func (c *Checks) text(field, v string, max int, multiline bool) {
	switch {
	case utf8.RuneCountInString(v) > max:
		c.Fail(field, "too_long")
	case !plain(v, multiline):
		c.Fail(field, "invalid_character")
	}
}

// plain reports whether v holds no control (Cc) or format (Cf) character and
// no line or paragraph separator: no NUL, no line break that would start a new
// line (or a header) in a mail, no bidirectional override or isolate that
// reorders what a reader sees, no zero-width character or BOM. Text that may
// span lines keeps \n, \r and \t.
func plain(v string, multiline bool) bool {
	for _, r := range v {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return false
		}
	}
	return true
}

// Email: a single plain address.
func (c *Checks) Email(field, v string) {
	if !c.Required(field, v) {
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != strings.TrimSpace(v) || len(v) > 254 || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@"):], ".") ||
		!plain(v, false) {
		c.Fail(field, "invalid_email")
	}
}

// Date: YYYY-MM-DD, not in the future, not before 1900.
func (c *Checks) BirthDate(field, v string, now time.Time) {
	if !c.Required(field, v) {
		return
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		c.Fail(field, "invalid_date")
		return
	}
	if d.After(now) || d.Year() < 1900 {
		c.Fail(field, "out_of_range")
	}
}

// Err is the collected errors as one 422, or nil.
func (c *Checks) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	e := apierr.Invalid(c.fields...)
	if c.code != "" {
		e.Code, e.Message = c.code, c.msg
	}
	return e
}
