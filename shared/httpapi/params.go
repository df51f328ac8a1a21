package httpapi

import (
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
)

// PathIDs is the shape of every path parameter of the route table, by name,
// with the detail of its 404. The adapter checks them before the handler runs,
// so no id of the wrong shape reaches a read: a malformed or oversized id
// (DynamoDB refuses keys over 1 KB with an error, a 500) is 404 exactly like a
// missing object (same detail as the handler's). A parameter not named here
// is refused too; a test keeps the table complete.
var PathIDs = map[string]PathID{
	// A profile id, or "me" (profile.Me) for the caller's own.
	"profileId": {func(s string) bool { return s == "me" || store.IsID(s) }, "No such profile."},
	// Applications and cards are named by their owner's profile id and a ULID.
	"applicationId": {isOwnedID, "No such application."},
	"cardId":        {isOwnedID, "No such card."},
	// Identifiers are ULIDs within their profile's partition.
	"identifierId": {store.IsID, "No such identifier."},
	// A dictionary's name; the handler answers 404 for any it does not publish.
	"kind": {isName, "No such dictionary."},
	// A resident's case is named like an application (its owner's profile id
	// and a ULID); a broadcast, which no profile owns, by its ULID alone.
	"caseId": {func(s string) bool { return isOwnedID(s) || store.IsID(s) }, "No such case."},
	// A consent clause's dictionary id.
	"clauseId": {isEntryID, "No such consent clause."},
}

// PathID is one path parameter's shape and the detail of its 404.
type PathID struct {
	Valid    func(string) bool
	NotFound string
}

func isOwnedID(s string) bool { _, ok := store.OwnerOf(s); return ok }

// isName: lower-case words joined by hyphens, short.
func isName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '-' {
			return false
		}
	}
	return true
}

// isEntryID: a dictionary entry's id — lower-case letters, digits, '-' and
// '_', short.
func isEntryID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// checkPathIDs answers 404 for a path parameter of the wrong shape.
func checkPathIDs(params map[string]string) error {
	for name, v := range params {
		id, ok := PathIDs[name]
		if !ok {
			return apierr.New(apierr.NotFound, "No such object.")
		}
		if !id.Valid(v) {
			return apierr.New(apierr.NotFound, "%s", id.NotFound)
		}
	}
	return nil
}
