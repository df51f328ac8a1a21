package httpapi

import (
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
)

// InvalidCursor: a cursor this API did not give out for this list.
var InvalidCursor = apierr.Register("invalid_cursor", http.StatusBadRequest)

// Page is a list request's paging and order.
type Page struct {
	Limit int32
	Start map[string]types.AttributeValue
	// Ascending is sort=date_asc; the default is newest first.
	Ascending bool
}

// PageOf reads ?limit= (default 20, at most 100), ?cursor= and ?sort=. A cursor
// is valid only for the partition it was made in (pk, on attribute pkAttr).
func PageOf(r *Request, pkAttr, pk string, defaultAscending bool) (Page, error) {
	p := Page{Limit: 20, Ascending: defaultAscending}
	if v := r.Query["limit"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return p, apierr.Invalid(apierr.FieldError{Field: "limit", Code: "out_of_range"})
		}
		p.Limit = int32(n)
	}
	switch r.Query["sort"] {
	case "":
	case "date_asc":
		p.Ascending = true
	case "date_desc":
		p.Ascending = false
	default:
		return p, apierr.Invalid(apierr.FieldError{Field: "sort", Code: "invalid"})
	}
	start, err := store.DecodeCursor(r.Query["cursor"])
	if err != nil {
		return p, apierr.New(InvalidCursor, "The cursor is not one this list gave out.")
	}
	if start != nil {
		if s, ok := start[pkAttr].(*types.AttributeValueMemberS); !ok || s.Value != pk {
			return p, apierr.New(InvalidCursor, "The cursor is not one this list gave out.")
		}
	}
	p.Start = start
	return p, nil
}
