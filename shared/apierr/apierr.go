// Package apierr holds the platform's one error type and the one table that maps
// its codes to HTTP statuses. Handlers return *Error for anything a client should
// see; every other error is internal and answered with a generic 500.
package apierr

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/aws/smithy-go"
)

// Code is a stable snake_case string that clients switch on.
type Code string

const (
	BadRequest          Code = "bad_request"
	MalformedJSON       Code = "malformed_json"
	UnknownField        Code = "unknown_field"
	DuplicateField      Code = "duplicate_field"
	Unauthorized        Code = "unauthorized"
	InvalidCredentials  Code = "invalid_credentials"
	Forbidden           Code = "forbidden"
	AccountNotActivated Code = "account_not_activated"
	AccountBlocked      Code = "account_blocked"
	// HouseholdHeadOnly: a family member's own login on a route the household
	// head holds (the route table's Members attribute).
	HouseholdHeadOnly    Code = "household_head_only"
	NotFound             Code = "not_found"
	MethodNotAllowed     Code = "method_not_allowed"
	Conflict             Code = "conflict"
	RequestInProgress    Code = "request_in_progress"
	TokenInvalid         Code = "token_invalid"
	PayloadTooLarge      Code = "payload_too_large"
	UnsupportedMediaType Code = "unsupported_media_type"
	Validation           Code = "validation_failed"
	ConsentRequired      Code = "consent_required"
	PasswordsDiffer      Code = "passwords_differ"
	PasswordPolicy       Code = "password_policy"
	IdempotencyKeyReused Code = "idempotency_key_reused"
	RateLimited          Code = "rate_limited"
	RetryLater           Code = "retry_later"
	Internal             Code = "internal_error"
)

// statuses is the one code → HTTP status table.
var statuses = map[Code]int{
	BadRequest:           http.StatusBadRequest,
	MalformedJSON:        http.StatusBadRequest,
	UnknownField:         http.StatusBadRequest,
	DuplicateField:       http.StatusBadRequest,
	Unauthorized:         http.StatusUnauthorized,
	InvalidCredentials:   http.StatusUnauthorized,
	Forbidden:            http.StatusForbidden,
	AccountNotActivated:  http.StatusForbidden,
	AccountBlocked:       http.StatusForbidden,
	HouseholdHeadOnly:    http.StatusForbidden,
	NotFound:             http.StatusNotFound,
	MethodNotAllowed:     http.StatusMethodNotAllowed,
	Conflict:             http.StatusConflict,
	RequestInProgress:    http.StatusConflict,
	TokenInvalid:         http.StatusGone,
	PayloadTooLarge:      http.StatusRequestEntityTooLarge,
	UnsupportedMediaType: http.StatusUnsupportedMediaType,
	Validation:           http.StatusUnprocessableEntity,
	ConsentRequired:      http.StatusUnprocessableEntity,
	PasswordsDiffer:      http.StatusUnprocessableEntity,
	PasswordPolicy:       http.StatusUnprocessableEntity,
	IdempotencyKeyReused: http.StatusUnprocessableEntity,
	RateLimited:          http.StatusTooManyRequests,
	RetryLater:           http.StatusServiceUnavailable,
	Internal:             http.StatusInternalServerError,
}

// Register adds feature codes to the status table; feature packages call it from
// init so that their codes live beside the rules that raise them.
func Register(code Code, status int) Code {
	if s, ok := statuses[code]; ok && s != status {
		panic(fmt.Sprintf("apierr: code %s registered twice with different statuses", code))
	}
	statuses[code] = status
	return code
}

// Status is the HTTP status of a code; unknown codes are internal errors.
func Status(code Code) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// FieldError names one invalid field of a request.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// Error is an error a client may see.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// RetryAfter, in seconds, for 429 and 503.
	RetryAfter int
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Status is the HTTP status of the error.
func (e *Error) Status() int { return Status(e.Code) }

// New makes an error with a code and a message for the client.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid is a 422 with field errors.
func Invalid(fields ...FieldError) *Error {
	return &Error{Code: Validation, Message: "The request has invalid fields.", Fields: fields}
}

// From finds the *Error in err's chain, or nil.
func From(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool {
	e := From(err)
	return e != nil && e.Code == code
}

// Redact describes an internal error for the logs without the text of AWS's
// messages, which may carry personal data (SES names unverified recipients,
// DynamoDB may quote key values): service, operation and error code. The
// platform's own errors carry none and are kept whole.
func Redact(err error) string {
	var oe *smithy.OperationError
	if !errors.As(err, &oe) {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		return err.Error()
	}
	out := oe.Service() + " " + oe.Operation()
	var ae smithy.APIError
	if errors.As(err, &ae) {
		out += " " + ae.ErrorCode()
	}
	return out
}

// LogAttr is the one way an error goes into a log record: as "error",
// redacted (see Redact).
func LogAttr(err error) slog.Attr { return slog.String("error", Redact(err)) }
