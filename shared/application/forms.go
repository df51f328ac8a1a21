package application

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/dictionary"
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
			issue(s, app, tx, form.CardKind, form.photo, form.PickupPointID)
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
			issue(s, app, tx, card.Physical, photoOf(v[0]), form.PickupPointID)
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
			issue(s, app, tx, card.Physical, photoOf(old), form.PickupPointID)
			if old.Status == card.Blocked {
				// Already blocked (lost, stolen): it now stays blocked for good.
				tx.Update(old.Key, expression.Set(expression.Name("blockReason"), expression.Value(card.ReasonDuplicate)).
					Add(expression.Name("version"), expression.Value(1)),
					store.Cond(expression.Name("version").Equal(expression.Value(old.Version))), errCardChanged)
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
			upd := expression.Add(expression.Name("version"), expression.Value(1))
			for name, v := range map[string]*string{"firstName": form.FirstName, "lastName": form.LastName, "birthDate": form.BirthDate} {
				if v != nil {
					upd = upd.Set(expression.Name(name), expression.Value(*v))
				}
			}
			tx.Update(store.ProfileKey(s.Profile.HouseholdID, s.Profile.ProfileID), upd,
				store.Cond(expression.Name("version").Equal(expression.Value(s.Profile.Version))), errCardChanged)
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
	photo             photo
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
}

func (f *cardIssueForm) Complete(ctx context.Context, s *Subject) error {
	var c httpapi.Checks
	c.Required("data.firstName", f.FirstName)
	c.Required("data.lastName", f.LastName)
	c.BirthDate("data.birthDate", f.BirthDate, s.Now)
	if c.Required("data.cardKind", f.CardKind) && f.CardKind == card.Physical {
		if err := checkPickup(ctx, s, &c, f.PickupPointID); err != nil {
			return err
		}
	}
	if len(f.DocumentUploadIDs) == 0 {
		c.Fail("data.documentUploadIds", "required")
	}
	clauses, err := dictionary.Clauses(ctx, store.Of(s.D))
	if err != nil {
		return err
	}
	given := map[string]bool{}
	for _, a := range f.Consents {
		given[a.ClauseID] = a.Accepted
	}
	for _, cl := range clauses {
		if cl.Mandatory && !given[cl.ID] {
			c.FailAs(apierr.ConsentRequired, "Every mandatory consent must be accepted.", "data.consents."+cl.ID, "required")
		}
	}
	if err := c.Err(); err != nil {
		return err
	}
	up, err := upload.Verify(ctx, s.D, s.Profile.ProfileID, f.PhotoUploadID, "data.photoUploadId", upload.Photo)
	if err != nil {
		return err
	}
	f.photo = photo{f.PhotoUploadID, up.ObjectKey, up.ContentType}
	s.Verified = append(s.Verified, up)
	return verifyDocuments(ctx, s, f.DocumentUploadIDs)
}

// physicalForm: R4.6.
type physicalForm struct {
	PickupPointID     string   `json:"pickupPointId,omitempty"`
	DocumentUploadIDs []string `json:"documentUploadIds,omitempty"`
}

func (f *physicalForm) Validate(c *httpapi.Checks) { checkDocumentCount(c, f.DocumentUploadIDs) }

func (f *physicalForm) Complete(ctx context.Context, s *Subject) error {
	var c httpapi.Checks
	if err := checkPickup(ctx, s, &c, f.PickupPointID); err != nil {
		return err
	}
	if err := c.Err(); err != nil {
		return err
	}
	return verifyDocuments(ctx, s, f.DocumentUploadIDs)
}

// duplicateForm: R4.5.
type duplicateForm struct {
	CardID        string `json:"cardId,omitempty"`
	ReasonID      string `json:"reasonId,omitempty"`
	PickupPointID string `json:"pickupPointId,omitempty"`
}

func (f *duplicateForm) Validate(c *httpapi.Checks) {}

func (f *duplicateForm) Complete(ctx context.Context, s *Subject) error {
	var c httpapi.Checks
	if c.Required("data.cardId", f.CardID) {
		if old := s.card(f.CardID); old == nil || old.Kind != card.Physical || (old.Status != card.Active && old.Status != card.Blocked) {
			c.Fail("data.cardId", "not_a_physical_card")
		}
	}
	if c.Required("data.reasonId", f.ReasonID) {
		if err := checkEntry(ctx, s, &c, dictionary.DuplicateReasons, "data.reasonId", f.ReasonID); err != nil {
			return err
		}
	}
	if err := checkPickup(ctx, s, &c, f.PickupPointID); err != nil {
		return err
	}
	return c.Err()
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

func (f *dataChangeForm) Complete(ctx context.Context, s *Subject) error {
	var c httpapi.Checks
	if f.FirstName == nil && f.LastName == nil && f.BirthDate == nil {
		c.Fail("data", "nothing_to_change")
	}
	if len(f.DocumentUploadIDs) == 0 {
		c.Fail("data.documentUploadIds", "required")
	}
	if err := c.Err(); err != nil {
		return err
	}
	return verifyDocuments(ctx, s, f.DocumentUploadIDs)
}

func checkPickup(ctx context.Context, s *Subject, c *httpapi.Checks, id string) error {
	if !c.Required("data.pickupPointId", id) {
		return nil
	}
	return checkEntry(ctx, s, c, dictionary.PickupPoints, "data.pickupPointId", id)
}

// checkEntry fails field unless id is an active entry of the dictionary.
func checkEntry(ctx context.Context, s *Subject, c *httpapi.Checks, kind, field, id string) error {
	var e dictionary.Entry
	err := store.Of(s.D).Get(ctx, store.DictionaryKey(kind, id), &e)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err != nil || !e.Active {
		c.Fail(field, "unknown")
	}
	return nil
}

func verifyDocuments(ctx context.Context, s *Subject, ids []string) error {
	for i, id := range ids {
		u, err := upload.Verify(ctx, s.D, s.Profile.ProfileID, id, "data.documentUploadIds["+itoa(i)+"]", upload.Document)
		if err != nil {
			return err
		}
		s.Verified = append(s.Verified, u)
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
