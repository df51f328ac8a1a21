package application

import (
	"strconv"
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// Reasons a type is not available (stable, for clients to switch on).
const (
	ReasonHasCard         = "card_exists"
	ReasonNoVirtualOnly   = "virtual_card_only_required"
	ReasonNoPhysical      = "physical_card_required"
	ReasonNoActiveCard    = "active_card_required"
	ReasonOpenApplication = "application_open"
)

func init() {
	register(&Kind{Name: CardIssue, Title: "Wydanie karty", New: func() Form { return &cardIssueForm{} },
		Available: func(s *Subject) (bool, string) {
			if len(s.cardsWhere(live)) > 0 {
				return false, ReasonHasCard
			}
			return true, ""
		},
		CarryOut: func(s *Subject, app *Application, f Form, tx *store.Tx) error {
			form := f.(*cardIssueForm)
			issue(s, app, tx, form.CardKind, form.photo, form.PickupPointID, holder{form.FirstName, form.LastName})
			grant(s, app, tx, form.packages, form.FirstName)
			return nil
		}})
	register(&Kind{Name: PhysicalCard, Title: "Karta fizyczna", New: func() Form { return &physicalForm{} },
		Available: func(s *Subject) (bool, string) {
			virtual := s.cardsWhere(func(c *card.Card) bool { return c.Kind == card.Virtual && c.Status == card.Active })
			physical := s.cardsWhere(func(c *card.Card) bool { return c.Kind == card.Physical && c.Status != card.Cancelled })
			if len(virtual) == 0 || len(physical) > 0 {
				return false, ReasonNoVirtualOnly
			}
			return true, ""
		},
		CarryOut: func(s *Subject, app *Application, f Form, tx *store.Tx) error {
			form := f.(*physicalForm)
			v := s.cardsWhere(func(c *card.Card) bool { return c.Kind == card.Virtual && c.Status == card.Active })
			if len(v) == 0 {
				return notAvailable(ReasonNoVirtualOnly)
			}
			issue(s, app, tx, card.Physical, photoOf(v[0]), form.PickupPointID, holderOf(v[0]))
			return nil
		}})
	register(&Kind{Name: Duplicate, Title: "Duplikat karty", New: func() Form { return &duplicateForm{} },
		Available: func(s *Subject) (bool, string) {
			if len(s.cardsWhere(func(c *card.Card) bool {
				return c.Kind == card.Physical && (c.Status == card.Active || c.Status == card.Blocked)
			})) == 0 {
				return false, ReasonNoPhysical
			}
			return true, ""
		},
		CarryOut: func(s *Subject, app *Application, f Form, tx *store.Tx) error {
			form := f.(*duplicateForm)
			old := s.card(form.CardID)
			if old == nil {
				return apierr.New(NotAvailable, "The card of the duplicate is gone.")
			}
			issue(s, app, tx, card.Physical, photoOf(old), form.PickupPointID, holderOf(old))
			if old.Status == card.Blocked {
				// Already blocked (lost, stolen): it now stays blocked for good.
				keepBlocked(tx, old)
				return nil
			}
			return card.BlockIn(tx, old, card.ReasonDuplicate, "operator", s.Now)
		}})
	register(&Kind{Name: DataChange, Title: "Zmiana danych osobowych", New: func() Form { return &dataChangeForm{} },
		Available: func(s *Subject) (bool, string) {
			if len(s.cardsWhere(func(c *card.Card) bool { return c.Status == card.Active })) == 0 {
				return false, ReasonNoActiveCard
			}
			return true, ""
		},
		CarryOut: func(s *Subject, app *Application, f Form, tx *store.Tx) error {
			form := f.(*dataChangeForm)
			changePerson(tx, s, form.FirstName, form.LastName, form.BirthDate)
			return nil
		}})
}

var errCardChanged = apierr.New(apierr.Conflict, "The profile or card changed at the same time; decide again.")

type consentAnswer struct {
	ClauseID string `json:"clauseId"`
	Accepted bool   `json:"accepted"`
}

// cardIssueForm: R4.1.
// Fields are omitempty: the stored form is the decoded one (re-encoded), and
// a draft leaves out what it does not have yet.
type cardIssueForm struct {
	FirstName         string          `json:"firstName,omitempty"`
	LastName          string          `json:"lastName,omitempty"`
	BirthDate         string          `json:"birthDate,omitempty"`
	CardKind          string          `json:"cardKind,omitempty"`
	PickupPointID     string          `json:"pickupPointId,omitempty"`
	PhotoUploadID     string          `json:"photoUploadId,omitempty"`
	DocumentUploadIDs []string        `json:"documentUploadIds,omitempty"`
	Consents          []consentAnswer `json:"consents,omitempty"`
	// PackageIDs are the packages asked for; none: the city's default ones.
	PackageIDs []string `json:"packageIds,omitempty"`
	photo      photo
	packages   []entitlement.Package
}

func (f *cardIssueForm) Validate(c *httpapi.Checks) {
	if f.CardKind != "" && f.CardKind != card.Virtual && f.CardKind != card.Physical {
		c.Fail("data.cardKind", "invalid")
	}
	if f.BirthDate != "" {
		c.BirthDate("data.birthDate", f.BirthDate, time.Now())
	}
	c.OptionalText("data.firstName", f.FirstName, 100)
	c.OptionalText("data.lastName", f.LastName, 100)
	checkDocumentCount(c, f.DocumentUploadIDs)
	checkPackageIDs(c, "data.packageIds", f.PackageIDs)
}

func (f *cardIssueForm) Complete(s *Subject, c *httpapi.Checks) {
	f.packages = s.packagesFor(c, "data.packageIds", f.PackageIDs, f.BirthDate)
	c.Required("data.firstName", f.FirstName)
	c.Required("data.lastName", f.LastName)
	c.BirthDate("data.birthDate", f.BirthDate, s.Now)
	if c.Required("data.cardKind", f.CardKind) && f.CardKind == card.Physical {
		s.pickup(c, f.PickupPointID)
	}
	if len(f.DocumentUploadIDs) == 0 {
		c.Fail("data.documentUploadIds", "required")
	}
	given := map[string]bool{}
	for _, a := range f.Consents {
		given[a.ClauseID] = a.Accepted
	}
	for _, cl := range s.Clauses {
		if cl.Mandatory && !given[cl.ID] {
			c.FailAs(apierr.ConsentRequired, "Every mandatory consent must be accepted.", "data.consents."+cl.ID, "required")
		}
	}
	s.guard(func(tx *store.Tx) { dictionary.RequireClauses(tx, s.Clauses) })
	if up := s.file(c, f.PhotoUploadID, "data.photoUploadId", upload.Photo); up != nil {
		f.photo = photo{up.UploadID, upload.KeptKey(up.ProfileID, up.UploadID), up.ContentType}
	}
	s.documents(c, f.DocumentUploadIDs)
}

// physicalForm: R4.6.
type physicalForm struct {
	PickupPointID     string   `json:"pickupPointId,omitempty"`
	DocumentUploadIDs []string `json:"documentUploadIds,omitempty"`
}

func (f *physicalForm) Validate(c *httpapi.Checks) { checkDocumentCount(c, f.DocumentUploadIDs) }

func (f *physicalForm) Complete(s *Subject, c *httpapi.Checks) {
	s.pickup(c, f.PickupPointID)
	s.documents(c, f.DocumentUploadIDs)
}

// duplicateForm: R4.5.
type duplicateForm struct {
	CardID        string `json:"cardId,omitempty"`
	ReasonID      string `json:"reasonId,omitempty"`
	PickupPointID string `json:"pickupPointId,omitempty"`
}

func (f *duplicateForm) Validate(c *httpapi.Checks) {}

func (f *duplicateForm) Complete(s *Subject, c *httpapi.Checks) {
	if c.Required("data.cardId", f.CardID) {
		if old := s.card(f.CardID); old == nil || old.Kind != card.Physical || (old.Status != card.Active && old.Status != card.Blocked) {
			c.Fail("data.cardId", "not_a_physical_card")
		}
	}
	if c.Required("data.reasonId", f.ReasonID) {
		s.entry(dictionary.DuplicateReasons, "data.reasonId", f.ReasonID)
	}
	s.pickup(c, f.PickupPointID)
}

// dataChangeForm: R4.7.
type dataChangeForm struct {
	FirstName         *string  `json:"firstName,omitempty"`
	LastName          *string  `json:"lastName,omitempty"`
	BirthDate         *string  `json:"birthDate,omitempty"`
	DocumentUploadIDs []string `json:"documentUploadIds,omitempty"`
}

func (f *dataChangeForm) Validate(c *httpapi.Checks) {
	if f.FirstName != nil {
		c.Text("data.firstName", *f.FirstName, 100)
	}
	if f.LastName != nil {
		c.Text("data.lastName", *f.LastName, 100)
	}
	if f.BirthDate != nil {
		c.BirthDate("data.birthDate", *f.BirthDate, time.Now())
	}
	checkDocumentCount(c, f.DocumentUploadIDs)
}

// maxDocuments bounds the files of one application (items stay small).
const maxDocuments = 10

func checkDocumentCount(c *httpapi.Checks, ids []string) {
	if len(ids) > maxDocuments {
		c.Fail("data.documentUploadIds", "too_many")
	}
}

func (f *dataChangeForm) Complete(s *Subject, c *httpapi.Checks) {
	if f.FirstName == nil && f.LastName == nil && f.BirthDate == nil {
		c.Fail("data", "nothing_to_change")
	}
	if len(f.DocumentUploadIDs) == 0 {
		c.Fail("data.documentUploadIds", "required")
	}
	s.documents(c, f.DocumentUploadIDs)
}

// pickup requires an active pickup point.
func (s *Subject) pickup(c *httpapi.Checks, id string) {
	if c.Required("data.pickupPointId", id) {
		s.entry(dictionary.PickupPoints, "data.pickupPointId", id)
	}
}

// entry requires an active dictionary entry: a condition of the change's
// transaction, failing as the field's error (no read before).
func (s *Subject) entry(kind, field, id string) {
	s.guard(func(tx *store.Tx) {
		dictionary.RequireActive(tx, kind, id, apierr.Invalid(apierr.FieldError{Field: field, Code: "unknown"}))
	})
}

// file checks an upload named in a field against the profile's uploads read
// with the facts, and queues its object check; nil if it fails.
func (s *Subject) file(c *httpapi.Checks, id, field string, purposes ...string) *upload.Upload {
	u := s.Uploads[id]
	if err := upload.CheckRecord(u, field, purposes...); err != nil {
		// Reported after the form's own errors, as its own code.
		if s.fileErr == nil {
			s.fileErr = err
		}
		return nil
	}
	s.objects = append(s.objects, upload.Object{Upload: u, Field: field})
	s.Verified = append(s.Verified, u)
	return u
}

func (s *Subject) documents(c *httpapi.Checks, ids []string) {
	for i, id := range ids {
		s.file(c, id, "data.documentUploadIds["+itoa(i)+"]", upload.Document)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func (f *cardIssueForm) packageIDs() []string { return f.PackageIDs }
