// Package cases holds the conversations between residents and the city (R9,
// R11.4): cases a resident opens with the city, cases the city opens with one
// resident, broadcasts to every resident (stored once, read marks per
// profile), and the operators' inbox.
//
// A case lives in its owner's partition (store/keys.go): the profile's for an
// individual case, the broadcast partition for a broadcast. Its state
// (CaseKey) and its list entry (CaseEntryKey) are two items changed in the
// same transactions: the state sits before the case's messages, so a case and
// its newest messages are one Query, and the entries sit in one range, so a
// profile's list is one Query too (see docs/architecture.md, "Cases").
package cases

import (
	"net/http"
	"strings"
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Statuses of a case, and who wrote a message.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"

	FromResident = "resident"
	FromCity     = "city"
)

// Limits of the contract.
const (
	MaxSubject     = 200
	MaxBody        = 5000
	MaxAttachments = 5
)

// Codes.
var (
	ReplyNotAllowed = apierr.Register("reply_not_allowed", http.StatusConflict)
	CaseClosed      = apierr.Register("case_closed", http.StatusConflict)
)

var (
	errNotFound = apierr.New(apierr.NotFound, "No such case.")
	errChanged  = apierr.New(apierr.Conflict, "The case was changed at the same time; read it again.")
)

// Case is a case's state (store.CaseKey). An open individual case is in the
// operators' inbox (GSI1) by whom it waits for and since when.
type Case struct {
	store.Key
	store.Index1
	CaseID string `dynamodbav:"caseId"`
	// ProfileID and HouseholdID are the owner's (empty for a broadcast); a
	// resident's request is checked against them.
	ProfileID   string `dynamodbav:"profileId,omitempty"`
	HouseholdID string `dynamodbav:"householdId,omitempty"`
	// AccountID is the household head's account, whom a city message is mailed
	// to (a member's cases are the head's to read).
	AccountID string `dynamodbav:"accountId,omitempty"`
	TypeID    string `dynamodbav:"typeId"`
	TypeName  string `dynamodbav:"typeName"`
	// ReplyAllowed is the type's rule when the case was opened: a case keeps
	// the rule it was opened under.
	ReplyAllowed  bool       `dynamodbav:"replyAllowed"`
	Subject       string     `dynamodbav:"subject"`
	Status        string     `dynamodbav:"status"`
	Broadcast     bool       `dynamodbav:"broadcast"`
	Waiting       string     `dynamodbav:"waiting,omitempty"`
	CreatedAt     time.Time  `dynamodbav:"createdAt"`
	LastMessageAt time.Time  `dynamodbav:"lastMessageAt"`
	ClosedAt      *time.Time `dynamodbav:"closedAt,omitempty"`
	// Unread: the city wrote since the resident last read the case.
	Unread   bool `dynamodbav:"unread"`
	Messages int  `dynamodbav:"messages"`
	Version  int  `dynamodbav:"version"`
}

// Item kinds in a profile's CASE# range.
const (
	kindCase = "case"
	kindRead = "read"
)

// Entry is a case's list entry (store.CaseEntryKey): what a list shows.
type Entry struct {
	store.Key
	Kind          string    `dynamodbav:"kind"`
	CaseID        string    `dynamodbav:"caseId"`
	TypeID        string    `dynamodbav:"typeId"`
	TypeName      string    `dynamodbav:"typeName"`
	Subject       string    `dynamodbav:"subject"`
	Status        string    `dynamodbav:"status"`
	Broadcast     bool      `dynamodbav:"broadcast"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
	LastMessageAt time.Time `dynamodbav:"lastMessageAt"`
	Unread        bool      `dynamodbav:"unread"`
}

// ReadMark is a profile's mark of a broadcast it has read
// (store.BroadcastReadKey); a broadcast without one is unread.
type ReadMark struct {
	store.Key
	Kind   string    `dynamodbav:"kind"`
	CaseID string    `dynamodbav:"caseId"`
	ReadAt time.Time `dynamodbav:"readAt"`
}

// Message is one message of a case (store.MessageKey).
type Message struct {
	store.Key
	MessageID string `dynamodbav:"messageId"`
	CaseID    string `dynamodbav:"caseId"`
	// HouseholdID lets a page of older messages be checked without the case.
	HouseholdID string       `dynamodbav:"householdId,omitempty"`
	From        string       `dynamodbav:"from"`
	Body        string       `dynamodbav:"body"`
	CreatedAt   time.Time    `dynamodbav:"createdAt"`
	Attachments []Attachment `dynamodbav:"attachments,omitempty"`
}

// Attachment is a verified upload a message carries; its object key and type
// are kept so a link is made without reading the upload.
type Attachment struct {
	UploadID    string `dynamodbav:"uploadId"`
	ContentType string `dynamodbav:"contentType"`
	Size        int64  `dynamodbav:"size"`
	ObjectKey   string `dynamodbav:"objectKey"`
}

// ref is what a case id names: an individual case is "<profileId>.<ulid>"
// (store.OwnedID), so any route finds it without a lookup; a broadcast, owned
// by no profile, is its ULID alone.
type ref struct {
	id        string
	ownerPK   string
	ulid      string
	profileID string
	broadcast bool
}

func parseID(id string) (ref, bool) {
	if owner, ok := store.OwnerOf(id); ok {
		_, u, _ := strings.Cut(id, ".")
		return ref{id: id, ownerPK: store.ProfilePK(owner), ulid: u, profileID: owner}, true
	}
	if store.IsID(id) {
		return ref{id: id, ownerPK: store.BroadcastPK, ulid: id, broadcast: true}, true
	}
	return ref{}, false
}

func (r ref) caseKey() store.Key  { return store.CaseKey(r.ownerPK, r.ulid) }
func (r ref) entryKey() store.Key { return store.CaseEntryKey(r.ownerPK, r.ulid) }

// View is a case as the API shows it.
type View struct {
	CaseID        string    `json:"caseId"`
	TypeID        string    `json:"typeId"`
	TypeName      string    `json:"typeName"`
	Subject       string    `json:"subject"`
	Status        string    `json:"status"`
	Broadcast     bool      `json:"broadcast"`
	CreatedAt     time.Time `json:"createdAt"`
	LastMessageAt time.Time `json:"lastMessageAt"`
	Unread        bool      `json:"unread"`
}

func entryView(e *Entry) View {
	return View{CaseID: e.CaseID, TypeID: e.TypeID, TypeName: e.TypeName, Subject: e.Subject, Status: e.Status,
		Broadcast: e.Broadcast, CreatedAt: e.CreatedAt, LastMessageAt: e.LastMessageAt, Unread: e.Unread}
}

func caseView(c *Case) View {
	return View{CaseID: c.CaseID, TypeID: c.TypeID, TypeName: c.TypeName, Subject: c.Subject, Status: c.Status,
		Broadcast: c.Broadcast, CreatedAt: c.CreatedAt, LastMessageAt: c.LastMessageAt, Unread: c.Unread}
}

// MessageView is a message as the API shows it.
type MessageView struct {
	MessageID   string           `json:"messageId"`
	From        string           `json:"from"`
	Body        string           `json:"body"`
	CreatedAt   time.Time        `json:"createdAt"`
	Attachments []AttachmentView `json:"attachments"`
}

// AttachmentView is an attachment with a short-lived link to read it.
type AttachmentView struct {
	UploadID    string `json:"uploadId"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// Detail is a case with a page of its messages, newest first; nextCursor
// pages to older ones.
type Detail struct {
	View
	Messages   []MessageView `json:"messages"`
	NextCursor *string       `json:"nextCursor"`
}

// OperatorView is a case as operators see it: whose it is and whom it waits for.
type OperatorView struct {
	View
	// ProfileID is the resident's profile (null for a broadcast).
	ProfileID *string `json:"profileId"`
	// Waiting is whom an open case waits for: city (the resident wrote last)
	// or resident; null when closed or a broadcast.
	Waiting  *string    `json:"waiting"`
	ClosedAt *time.Time `json:"closedAt"`
}

func operatorView(c *Case) OperatorView {
	v := OperatorView{View: caseView(c), ClosedAt: c.ClosedAt}
	if c.ProfileID != "" {
		v.ProfileID = &c.ProfileID
	}
	if c.Waiting != "" {
		v.Waiting = &c.Waiting
	}
	return v
}

// OperatorDetail is OperatorView with a page of messages.
type OperatorDetail struct {
	OperatorView
	Messages   []MessageView `json:"messages"`
	NextCursor *string       `json:"nextCursor"`
}
