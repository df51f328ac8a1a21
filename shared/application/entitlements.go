package application

import (
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Types of applications for packages (R4.8, R4.9).
const (
	PackageAdd           = "package_add"
	EntitlementExtension = "entitlement_extension"
)

// Reasons a package application is not available, or not for a package.
const (
	ReasonNothingToExtend = "no_expiring_entitlement"
	ReasonPackageHeld     = "package_held"
	ReasonNotExtendable   = "not_extendable"
)

func init() {
	register(&Kind{Name: PackageAdd, Title: "Dodanie pakietu", New: func() Form { return &packageAddForm{} },
		Available: func(s *Subject) (bool, string) {
			if len(s.activeCards()) == 0 {
				return false, ReasonNoActiveCard
			}
			return true, ""
		},
		CarryOut: func(s *Subject, app *Application, f Form, tx *store.Tx) error {
			form := f.(*packageAddForm)
			active := s.activeCards()
			if len(active) == 0 {
				return notAvailable(ReasonNoActiveCard)
			}
			grant(s, app, tx, form.packages, active[0].HolderFirstName)
			return nil
		}})
	register(&Kind{Name: EntitlementExtension, Title: "Przedłużenie uprawnień", New: func() Form { return &extensionForm{} },
		Available: func(s *Subject) (bool, string) {
			if len(s.extendable()) == 0 {
				return false, ReasonNothingToExtend
			}
			return true, ""
		},
		Prefill: func(s *Subject, p *profile.Profile) Form {
			f := &extensionForm{FirstName: p.FirstName, LastName: p.LastName, BirthDate: p.BirthDate}
			for _, e := range s.extendable() {
				f.PackageIDs = append(f.PackageIDs, e.PackageID)
			}
			return f
		},
		CarryOut: func(s *Subject, app *Application, f Form, tx *store.Tx) error {
			form := f.(*extensionForm)
			g := entitlement.Grant{ProfileID: app.ProfileID, HouseholdID: app.HouseholdID, NotifyEmail: app.NotifyEmail,
				HolderName: form.FirstName, ApplicationID: app.ApplicationID, Now: s.Now}
			for _, p := range form.packages {
				held := s.entitlement(p.ID)
				if held == nil {
					return notAvailable(ReasonNothingToExtend)
				}
				entitlement.Extend(tx, held, p, g)
			}
			return nil
		}})
	Order = append(Order, EntitlementExtension, PackageAdd)
}

func (s *Subject) activeCards() []*card.Card {
	return s.cardsWhere(func(c *card.Card) bool { return c.Status == card.Active })
}

// extendable are the subject's entitlements that may be extended today.
func (s *Subject) extendable() []*entitlement.Entitlement {
	today := citytime.Day(s.Now)
	var out []*entitlement.Entitlement
	for i := range s.Entitlements {
		if s.Entitlements[i].Extendable(today) {
			out = append(out, &s.Entitlements[i])
		}
	}
	return out
}

// needDocuments fails the documents when a package asks for them.
func needDocuments(c *httpapi.Checks, pkgs []entitlement.Package, ids []string) {
	for _, p := range pkgs {
		if p.DocumentsRequired && len(ids) == 0 {
			c.Fail("data.documentUploadIds", "required")
			return
		}
	}
}

// packageAddForm: another package for a profile with an active card (R4.8).
type packageAddForm struct {
	PackageID         string   `json:"packageId,omitempty"`
	DocumentUploadIDs []string `json:"documentUploadIds,omitempty"`
	packages          []entitlement.Package
}

func (f *packageAddForm) Validate(c *httpapi.Checks) {
	if len(f.PackageID) > 64 {
		c.Fail("data.packageId", "invalid")
	}
	checkDocumentCount(c, f.DocumentUploadIDs)
}

func (f *packageAddForm) packageIDs() []string { return []string{f.PackageID} }

func (f *packageAddForm) Complete(s *Subject, c *httpapi.Checks) {
	if !c.Required("data.packageId", f.PackageID) {
		return
	}
	var pc httpapi.Checks
	pkgs := s.packagesFor(&pc, "data.packageId", []string{f.PackageID}, "")
	// One package: its errors name the field itself, not a list's item.
	if e := apierr.From(pc.Err()); e != nil {
		for _, fe := range e.Fields {
			if e.Code == NotAvailable {
				c.FailAs(e.Code, e.Message, "data.packageId", fe.Code)
			} else {
				c.Fail("data.packageId", fe.Code)
			}
		}
		return
	}
	// Not held, or expired: a held one is extended instead.
	if held := s.entitlement(f.PackageID); held != nil && held.StatusOn(citytime.Day(s.Now)) != entitlement.Expired {
		c.FailAs(NotAvailable, "The profile holds this package; extend it instead.", "data.packageId", ReasonPackageHeld)
		return
	}
	needDocuments(c, pkgs, f.DocumentUploadIDs)
	f.packages = pkgs
	s.documents(c, f.DocumentUploadIDs)
}

// extensionForm: the extension of expiring or recently expired packages
// (R4.9). A draft created empty comes back prefilled with them and the
// profile's data, which the form shows; acceptance extends the packages.
type extensionForm struct {
	FirstName         string   `json:"firstName,omitempty"`
	LastName          string   `json:"lastName,omitempty"`
	BirthDate         string   `json:"birthDate,omitempty"`
	PackageIDs        []string `json:"packageIds,omitempty"`
	DocumentUploadIDs []string `json:"documentUploadIds,omitempty"`
	packages          []entitlement.Package
}

func (f *extensionForm) Validate(c *httpapi.Checks) {
	c.OptionalText("data.firstName", f.FirstName, 100)
	c.OptionalText("data.lastName", f.LastName, 100)
	checkPackageIDs(c, "data.packageIds", f.PackageIDs)
	checkDocumentCount(c, f.DocumentUploadIDs)
}

func (f *extensionForm) packageIDs() []string { return f.PackageIDs }

func (f *extensionForm) Complete(s *Subject, c *httpapi.Checks) {
	if len(f.PackageIDs) == 0 {
		c.Fail("data.packageIds", "required")
		return
	}
	var pc httpapi.Checks
	pkgs := s.packagesFor(&pc, "data.packageIds", f.PackageIDs, "")
	if err := pc.Err(); err != nil {
		merge(c, err)
		return
	}
	today := citytime.Day(s.Now)
	extendable := true
	for i, id := range f.PackageIDs {
		if held := s.entitlement(id); held == nil || !held.Extendable(today) {
			c.FailAs(NotAvailable, "Only expiring packages, or packages expired for at most 90 days, are extended.",
				"data.packageIds["+itoa(i)+"]", ReasonNotExtendable)
			extendable = false
		}
	}
	if !extendable {
		return
	}
	needDocuments(c, pkgs, f.DocumentUploadIDs)
	f.packages = pkgs
	s.documents(c, f.DocumentUploadIDs)
}

// merge copies a checks' error into c.
func merge(c *httpapi.Checks, err error) {
	e := apierr.From(err)
	for _, fe := range e.Fields {
		if e.Code != apierr.Validation {
			c.FailAs(e.Code, e.Message, fe.Field, fe.Code)
		} else {
			c.Fail(fe.Field, fe.Code)
		}
	}
}
