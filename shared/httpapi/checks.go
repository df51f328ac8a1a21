package httpapi

import (
	"net/mail"
	"strings"
	"time"
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

// Text: a required string of at most max characters.
func (c *Checks) Text(field, v string, max int) {
	if c.Required(field, v) && utf8.RuneCountInString(v) > max {
		c.Fail(field, "too_long")
	}
}

// Email: a single plain address.
func (c *Checks) Email(field, v string) {
	if !c.Required(field, v) {
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != strings.TrimSpace(v) || len(v) > 254 || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@"):], ".") {
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
