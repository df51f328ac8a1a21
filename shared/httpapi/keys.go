package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/kartamieszkanca/platform/shared/apierr"
)

// checkKeys walks a body's JSON with the type it is decoded into as a guide
// and refuses what encoding/json would silently resolve, so that what the
// rules check is what the handler keeps: a key given twice in one object
// (encoding/json keeps the last; 400 duplicate_field), and a key of an object
// decoded into a struct that is not exactly one of its field names
// (encoding/json matches names case-insensitively, with Unicode folding, so
// "FirstName" or "firſtName" would land in firstName; 400 unknown_field).
// Values decoded free-form (json.RawMessage, any, maps) are checked for
// duplicates at every depth; their own strict decode checks the rest.
func checkKeys(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // no range checks here: the decode proper reports those
	return walkValue(dec, t, "")
}

var errSyntax = apierr.New(apierr.MalformedJSON, "The body is not valid JSON.")

func walkValue(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return errSyntax
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	t = guide(t)
	switch delim {
	case '{':
		var fields map[string]reflect.Type
		var elem reflect.Type
		if t != nil {
			switch t.Kind() {
			case reflect.Struct:
				fields = fieldsOf(t)
			case reflect.Map:
				elem = t.Elem()
			}
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return errSyntax
			}
			key, ok := tok.(string)
			if !ok {
				return errSyntax
			}
			p := key
			if path != "" {
				p = path + "." + key
			}
			if seen[key] {
				return &apierr.Error{Code: apierr.DuplicateField, Message: fmt.Sprintf("Field %q is given twice.", p),
					Fields: []apierr.FieldError{{Field: p, Code: "duplicate"}}}
			}
			seen[key] = true
			vt := elem
			if fields != nil {
				ft, ok := fields[key]
				if !ok {
					return &apierr.Error{Code: apierr.UnknownField, Message: fmt.Sprintf("Unknown field %q.", p),
						Fields: []apierr.FieldError{{Field: p, Code: "unknown"}}}
				}
				vt = ft
			}
			if err := walkValue(dec, vt, p); err != nil {
				return err
			}
		}
	case '[':
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walkValue(dec, elem, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	default:
		return errSyntax
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return errSyntax
	}
	return nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// guide is the type a JSON value is decoded into, or nil when it is decoded
// free-form (an interface, or a type that decodes itself).
func guide(t reflect.Type) reflect.Type {
	for t != nil {
		if t.Kind() == reflect.Interface || t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
			t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
			return nil
		}
		if t.Kind() != reflect.Pointer {
			return t
		}
		t = t.Elem()
	}
	return nil
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf names a struct's JSON fields as encoding/json does: the tag's name
// or the Go name, "-" left out, embedded structs' fields promoted.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	var promoted []map[string]reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				promoted = append(promoted, fieldsOf(ft))
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	// A field of the struct itself hides a promoted one of the same name.
	for _, p := range promoted {
		for k, v := range p {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	fieldCache.Store(t, out)
	return out
}
