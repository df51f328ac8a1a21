package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"strings"

	"github.com/kartamieszkanca/platform/shared/apierr"
)

// Validator is implemented by request bodies with rules beyond their types.
type Validator interface {
	Validate(c *Checks)
}

// Decode reads a JSON body strictly into v and validates it: malformed JSON,
// unknown fields, keys given twice and keys that match a field only up to case
// are 400, type mismatches and broken rules 422 with field errors.
func Decode(r *Request, v any) error {
	if err := decodeJSON(r.Header("content-type"), r.Body, v); err != nil {
		return err
	}
	if val, ok := v.(Validator); ok {
		var c Checks
		val.Validate(&c)
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}

func decodeJSON(contentType string, body []byte, v any) error {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return apierr.New(apierr.UnsupportedMediaType, "Send the body as application/json.")
		}
	}
	if len(body) > MaxBody {
		return apierr.New(apierr.PayloadTooLarge, "The body is larger than %d bytes.", MaxBody)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apierr.New(apierr.MalformedJSON, "The request needs a JSON body.")
	}
	if err := checkKeys(body, reflect.TypeOf(v)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apierr.New(apierr.MalformedJSON, "The body has data after its JSON value.")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return apierr.New(apierr.MalformedJSON, "The body must be a JSON object.")
		}
		return &apierr.Error{Code: apierr.Validation, Message: fmt.Sprintf("Field %s has the wrong type.", field),
			Fields: []apierr.FieldError{{Field: field, Code: "type"}}}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apierr.New(apierr.MalformedJSON, "The body is not valid JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &apierr.Error{Code: apierr.UnknownField, Message: fmt.Sprintf("Unknown field %q.", name),
			Fields: []apierr.FieldError{{Field: name, Code: "unknown"}}}
	}
	return apierr.New(apierr.MalformedJSON, "The body is not valid JSON.")
}

// Body is a handler of a decoded, validated body of type T: every endpoint that
// takes a body decodes it here, the same way.
func Body[T any](h func(ctx context.Context, r *Request, b *T) (*Response, error)) Handler {
	return func(ctx context.Context, r *Request) (*Response, error) {
		var b T
		if err := Decode(r, &b); err != nil {
			return nil, err
		}
		return h(ctx, r, &b)
	}
}
