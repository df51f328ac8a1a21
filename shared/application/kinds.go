package application

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// Types of applications.
const (
	CardIssue    = "card_issue"
	Duplicate    = "duplicate"
	PhysicalCard = "physical_card"
	DataChange   = "data_change"
)

// Form is a type's data: decoded strictly, checked as a draft (formats of what
// is there) and at submit (completeness, files, dictionaries).
type Form interface {
	httpapi.Validator
	// Complete checks what submit and acceptance need against the facts in
	// s: pure; it names the files whose objects are then checked (s.file) and
	// the dictionary conditions the change's transaction carries (s.entry).
	Complete(s *Subject, c *httpapi.Checks)
}

// Subject is what the rules look at, read in one go before any rule runs:
// the profile's applications, cards, uploads and entitlements (one Query),
// the consent clauses and packages (cached per instance), and the clock.
type Subject struct {
	ProfileID   string
	HouseholdID string
	Apps        []Application
	Cards       []card.Card
	Uploads     map[string]*upload.Upload
	// Entitlements are the profile's packages.
	Entitlements []entitlement.Entitlement
	Clauses      []dictionary.Clause
	Packages     entitlement.Catalog
	// BirthDate is the profile's, read only when an age rule asks for it.
	BirthDate string
	// Index is the profile's resident index entry ("last first"), changed with
	// the names by a data change; nil for a profile never indexed.
	Index *profile.IndexEntry
	// Block is the household's block for a withdrawn consent as read ("" for
	// none): a card issued meanwhile is issued blocked (R7.3).
	Block string
	Now   time.Time
	// Verified are the uploads Complete accepted, for submit to keep.
	Verified []*upload.Upload

	objects []upload.Object
	guards  []func(*store.Tx)
	// blockGuarded: the change's transaction checks the block already.
	blockGuarded bool
	fileErr      error
}

// guard adds a condition the change's transaction must carry.
func (s *Subject) guard(g func(*store.Tx)) { s.guards = append(s.guards, g) }

// Guard adds to tx the conditions the rules relied on.
func (s *Subject) Guard(tx *store.Tx) {
	for _, g := range s.guards {
		g(tx)
	}
}

// Kind is one type of application: its form, when it is available, and what
// acceptance does. Adding a type is a Kind in this table.
type Kind struct {
	Name string
	// Title names the type in mail (Polish).
	Title string
	New   func() Form
	// Available says whether the subject may file it, and why not.
	Available func(s *Subject) (bool, string)
	// Prefill, when set, fills a new draft created without data (R4.9).
	Prefill func(s *Subject, p *profile.Profile) Form
	// CarryOut adds acceptance's changes to tx.
	CarryOut func(s *Subject, app *Application, f Form, tx *store.Tx) error
}

// Kinds is the table of application types.
var Kinds = map[string]*Kind{}

// Order is the order of types in answers.
var Order = []string{CardIssue, PhysicalCard, Duplicate, DataChange}

func register(k *Kind) { Kinds[k.Name] = k }

// orEmpty makes absent or null data an empty form.
func orEmpty(data json.RawMessage) json.RawMessage {
	if t := strings.TrimSpace(string(data)); t == "" || t == "null" {
		return json.RawMessage("{}")
	}
	return data
}

// formData checks sent data as the type's form and returns what is stored:
// the form as it was decoded and checked, re-encoded (never the client's
// bytes, which could say something else to another reader); {} when data is
// absent and null when it is null, as openapi.yaml says (empty to submit).
func formData(k *Kind, data json.RawMessage) (string, error) {
	f, err := decode(k, data)
	if err != nil {
		return "", err
	}
	switch strings.TrimSpace(string(data)) {
	case "":
		return "{}", nil
	case "null":
		return "null", nil
	}
	return encodeForm(f)
}

// encodeForm is a form as stored: its fields as decoded and checked.
func encodeForm(f Form) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// decode reads stored or sent data into the type's form; field errors name
// their place in the request (data.…).
func decode(k *Kind, data json.RawMessage) (Form, error) {
	f := k.New()
	r := &httpapi.Request{Body: orEmpty(data)}
	if err := httpapi.Decode(r, f); err != nil {
		if e := apierr.From(err); e != nil {
			for i, fe := range e.Fields {
				if !strings.HasPrefix(fe.Field, "data") {
					e.Fields[i].Field = "data." + fe.Field
				}
			}
		}
		return nil, err
	}
	return f, nil
}

// Card helpers for the rules.

func (s *Subject) cardsWhere(ok func(*card.Card) bool) []*card.Card {
	var out []*card.Card
	for i := range s.Cards {
		if ok(&s.Cards[i]) {
			out = append(out, &s.Cards[i])
		}
	}
	return out
}

func live(c *card.Card) bool {
	return c.Status == card.Active || c.Status == card.Ordered || c.Status == card.ReadyForPickup
}

func (s *Subject) card(id string) *card.Card {
	for i := range s.Cards {
		if s.Cards[i].CardID == id {
			return &s.Cards[i]
		}
	}
	return nil
}

// open reports whether the subject has an open application of a type other
// than except.
func (s *Subject) open(typ, except string) bool {
	for _, a := range s.Apps {
		if a.Type == typ && a.ApplicationID != except && isOpen(a.Status) {
			return true
		}
	}
	return false
}

func isOpen(status string) bool {
	return status == Draft || status == Submitted || status == InReview || status == Returned
}

// photo is a card's photo: its upload, object and verified type.
type photo struct{ id, key, contentType string }

func photoOf(c *card.Card) photo { return photo{c.PhotoUploadID, c.PhotoKey, c.PhotoType} }

// holder is the names a card shows its verifiers.
type holder struct{ first, last string }

func holderOf(c *card.Card) holder { return holder{c.HolderFirstName, c.HolderLastName} }

// issue adds a new card for an accepted application.
func issue(s *Subject, app *Application, tx *store.Tx, kind string, ph photo, pickup string, h holder) {
	card.Issue(tx, card.New{
		ProfileID: app.ProfileID, HouseholdID: app.HouseholdID, Kind: kind, PhotoUploadID: ph.id, PhotoKey: ph.key,
		PhotoType: ph.contentType, PickupPointID: pickup, NotifyEmail: app.NotifyEmail, ApplicationID: app.ApplicationID, Actor: "operator",
		HolderFirstName: h.first, HolderLastName: h.last, BlockedFor: s.Block,
	}, s.Now)
	// The card's state follows the household's block as read; a withdrawal or
	// a re-acceptance committed meanwhile fails the change (read again).
	if !s.blockGuarded {
		profile.BlockGuard(tx, app.ProfileID, s.Block, errChanged)
		s.blockGuarded = true
	}
}

// entitlement finds the subject's entitlement of a package, nil if none.
func (s *Subject) entitlement(packageID string) *entitlement.Entitlement {
	for i := range s.Entitlements {
		if s.Entitlements[i].PackageID == packageID {
			return &s.Entitlements[i]
		}
	}
	return nil
}

// grant adds to tx the entitlements of an accepted application: each package
// granted, or renewed where the profile holds it.
func grant(s *Subject, app *Application, tx *store.Tx, pkgs []entitlement.Package, holderName string) {
	g := entitlement.Grant{ProfileID: app.ProfileID, HouseholdID: app.HouseholdID, NotifyEmail: app.NotifyEmail,
		HolderName: holderName, ApplicationID: app.ApplicationID, Now: s.Now}
	for _, p := range pkgs {
		entitlement.Renew(tx, s.entitlement(p.ID), p, g)
	}
}
