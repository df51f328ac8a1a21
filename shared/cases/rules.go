package cases

import (
	"sort"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// The rules: pure functions of facts the handlers gathered.

// reach says which profile a resident's path names and whether it is the
// caller's own. Cases are the household head's: the route table keeps family
// members' own logins out (403 household_head_only on their own profile, 404
// on any other; httpapi's memberReach). The head reaches its own profile at
// no cost and a member's once the member is proven to be in the household
// (own is false).
func reach(acc *account.Account, pathID string) (profileID string, own bool, err error) {
	if acc.ProfileID == "" {
		return "", false, errProfile
	}
	if pathID == profile.Me || pathID == acc.ProfileID {
		return acc.ProfileID, true, nil
	}
	return pathID, false, nil
}

var errProfile = apierr.New(apierr.NotFound, "No such profile.")

// since is the first broadcast a head sees: broadcasts go to the residents of
// the day they are sent, so a list never reaches back before its reader's
// account, whatever the city sent before (as ULID, the broadcasts' order).
func since(acc *account.Account) string {
	var u ulid.ULID
	_ = u.SetTime(ulid.Timestamp(acc.CreatedAt))
	return u.String()
}

// sees reports whether a resident's path reaches a case. An individual case
// is reached on its owner's path by its household's head; a broadcast on the
// head's own path, if sent since the head's account was made.
func sees(acc *account.Account, profileID string, own bool, r ref, householdID string) bool {
	if r.broadcast {
		return own && r.ulid >= since(acc)
	}
	return r.profileID == profileID && householdID != "" && householdID == acc.HouseholdID
}

// caseType is a case type's rules from its dictionary entry.
type caseType struct {
	ID, Name        string
	ReplyAllowed    bool
	ResidentCanOpen bool
}

// typeOf reads a dictionary entry of the case types; false for one retired.
func typeOf(e *dictionary.Entry) (caseType, bool) {
	flag := func(name string) bool { b, _ := e.Fields[name].(bool); return b }
	return caseType{ID: e.ID, Name: e.Name, ReplyAllowed: flag("replyAllowed"), ResidentCanOpen: flag("residentCanOpen")}, e.Active
}

func typeInvalid(code string) error {
	return apierr.Invalid(apierr.FieldError{Field: "typeId", Code: code})
}

// isTypeID: a dictionary id's shape, checked before it is read.
func isTypeID(s string) bool {
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

// message checks a message's body and attachments (R9.2, R9.3).
func message(c *httpapi.Checks, body string, attachments []string) {
	c.Required("body", body)
	c.Paragraphs("body", body, MaxBody)
	if len(attachments) > MaxAttachments {
		c.Fail("attachmentUploadIds", "too_many")
		return
	}
	seen := map[string]bool{}
	for i, id := range attachments {
		field := "attachmentUploadIds[" + itoa(i) + "]"
		switch {
		case !store.IsID(id):
			c.Fail(field, "invalid")
		case seen[id]:
			c.Fail(field, "duplicate")
		}
		seen[id] = true
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// createBody is a resident's new case.
type createBody struct {
	TypeID              string   `json:"typeId"`
	Subject             string   `json:"subject"`
	Body                string   `json:"body"`
	AttachmentUploadIDs []string `json:"attachmentUploadIds"`
}

func (b *createBody) Validate(c *httpapi.Checks) {
	if c.Required("typeId", b.TypeID) && !isTypeID(b.TypeID) {
		c.Fail("typeId", "invalid")
	}
	c.Text("subject", b.Subject, MaxSubject)
	message(c, b.Body, b.AttachmentUploadIDs)
}

// replyBody is a message in a case.
type replyBody struct {
	Body                string   `json:"body"`
	AttachmentUploadIDs []string `json:"attachmentUploadIds"`
}

func (b *replyBody) Validate(c *httpapi.Checks) { message(c, b.Body, b.AttachmentUploadIDs) }

// operatorReplyBody is a city message (operators attach no files: uploads are
// a profile's).
type operatorReplyBody struct {
	Body string `json:"body"`
}

func (b *operatorReplyBody) Validate(c *httpapi.Checks) { message(c, b.Body, nil) }

// operatorCreateBody is a city case to one resident or a broadcast (R9.5).
type operatorCreateBody struct {
	ProfileID *string `json:"profileId"`
	Broadcast *bool   `json:"broadcast"`
	TypeID    string  `json:"typeId"`
	Subject   string  `json:"subject"`
	Body      string  `json:"body"`
}

func (b *operatorCreateBody) Validate(c *httpapi.Checks) {
	broadcast := b.Broadcast != nil && *b.Broadcast
	switch {
	case b.ProfileID != nil && broadcast:
		c.Fail("broadcast", "conflicts_with_profile")
	case b.ProfileID == nil && !broadcast:
		c.Fail("profileId", "required")
	case b.ProfileID != nil && !store.IsID(*b.ProfileID):
		c.Fail("profileId", "invalid")
	}
	if c.Required("typeId", b.TypeID) && !isTypeID(b.TypeID) {
		c.Fail("typeId", "invalid")
	}
	c.Text("subject", b.Subject, MaxSubject)
	message(c, b.Body, nil)
}

// listFilter is a resident list's filters (R9.1).
type listFilter struct {
	status string
	typeID string
	unread *bool
}

func listFilterOf(q map[string]string) (listFilter, error) {
	var f listFilter
	var bad []apierr.FieldError
	switch s := q["status"]; s {
	case "", StatusOpen, StatusClosed:
		f.status = s
	default:
		bad = append(bad, apierr.FieldError{Field: "status", Code: "invalid"})
	}
	if t := q["typeId"]; t != "" {
		if !isTypeID(t) {
			bad = append(bad, apierr.FieldError{Field: "typeId", Code: "invalid"})
		}
		f.typeID = t
	}
	switch q["unread"] {
	case "":
	case "true":
		f.unread = new(true)
	case "false":
		f.unread = new(false)
	default:
		bad = append(bad, apierr.FieldError{Field: "unread", Code: "invalid"})
	}
	if len(bad) > 0 {
		return f, apierr.Invalid(bad...)
	}
	return f, nil
}

// source is what one list query read, as positions in the list's one order:
// the ULIDs of cases (an own case's, a broadcast's). last is the position it
// stopped at, "" when it read its whole range.
type source struct {
	entries []Entry
	last    string
}

// posOf is an entry's place in the list: its case's ULID (the part after the
// owner of an individual case id).
func posOf(sk string) string {
	if len(sk) < len(store.CaseSKPrefix)+26 {
		return ""
	}
	return sk[len(store.CaseSKPrefix) : len(store.CaseSKPrefix)+26]
}

// merge pages a profile's own cases and the broadcasts as one list, ordered
// by their ULIDs (creation). Each source read up to some position; below the
// higher of those (newest first) one source has not looked yet, so only what
// lies at or above it is placed now, and the next page starts there. Read
// marks of every broadcast so placed are known: the own query read its range
// down to that position too. A page is never longer than limit; it may be
// shorter (filters, or one source far ahead), with next telling where to go
// on; next is "" at the end.
func merge(own, bc source, read map[string]bool, desc bool, limit int, unread *bool) (page []Entry, next string) {
	bound := ""
	for _, s := range []source{own, bc} {
		if s.last == "" {
			continue
		}
		if bound == "" || (desc && s.last > bound) || (!desc && s.last < bound) {
			bound = s.last
		}
	}
	var all []Entry
	for _, s := range []source{own, bc} {
		for _, e := range s.entries {
			p := posOf(e.SK)
			if bound == "" || (desc && p >= bound) || (!desc && p <= bound) {
				all = append(all, e)
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if desc {
			return posOf(all[i].SK) > posOf(all[j].SK)
		}
		return posOf(all[i].SK) < posOf(all[j].SK)
	})
	for _, e := range all {
		if e.Broadcast {
			e.Unread = !read[posOf(e.SK)]
		}
		if unread != nil && e.Unread != *unread {
			continue
		}
		page = append(page, e)
	}
	if len(page) > limit {
		return page[:limit], posOf(page[limit-1].SK)
	}
	return page, bound
}

// span is the sort key range of a list source: from the first position it may
// show (since, for broadcasts) to the end, past the cursor's position in the
// list's direction. Desc includes the cursor's own entry (BETWEEN is
// inclusive; the caller drops it) and not its read mark, which sorts after it.
func span(cursor, from string, desc bool) (lo, hi string) {
	lo, hi = store.CaseSKPrefix+from, "CASE$"
	if cursor == "" {
		return lo, hi
	}
	if desc {
		return lo, store.CaseSKPrefix + cursor
	}
	// "$" sorts after "#" and before every ULID character: past the cursor's
	// entry and its read mark.
	return max(lo, store.CaseSKPrefix+cursor+"$"), hi
}

// replyRule says whether a message may be added to a case: a broadcast
// takes none after its first, a closed case none (409 case_closed), and a
// resident writes only where the case's type allows replies (409
// reply_not_allowed); the city always may.
func replyRule(c *Case, from string) error {
	switch {
	case c.Broadcast:
		return apierr.New(ReplyNotAllowed, "A broadcast takes no replies.")
	case c.Status == StatusClosed:
		return apierr.New(CaseClosed, "The case is closed.")
	case from == FromResident && !c.ReplyAllowed:
		return apierr.New(ReplyNotAllowed, "This type of case takes no replies.")
	}
	return nil
}
