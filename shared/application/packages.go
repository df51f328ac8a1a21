package application

import (
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/store"
)

// ReasonNotEligible: the profile does not meet a package's age rule.
const ReasonNotEligible = "not_eligible"

// maxPackages bounds the packages of one application.
const maxPackages = 20

// checkPackageIDs checks the form of a list of package ids (a draft's).
func checkPackageIDs(c *httpapi.Checks, field string, ids []string) {
	if len(ids) > maxPackages {
		c.Fail(field, "too_many")
		return
	}
	seen := map[string]bool{}
	for i, id := range ids {
		f := field + "[" + itoa(i) + "]"
		switch {
		case id == "" || len(id) > 64:
			c.Fail(f, "invalid")
		case seen[id]:
			c.Fail(f, "duplicate")
		}
		seen[id] = true
	}
}

// packageChooser is a form that names packages (none: the city's defaults).
// When one of them has an age rule, the profile's birth date is read with the
// facts: one more read, only then.
type packageChooser interface{ packageIDs() []string }

// needsBirthDate reports whether the packages a form names have an age rule.
func (s *Subject) needsBirthDate(ids []string) bool {
	if len(ids) == 0 {
		for _, p := range s.Packages {
			if p.Default && p.Active && p.MinAge > 0 {
				return true
			}
		}
		return false
	}
	for _, id := range ids {
		if p, ok := s.Packages.Find(id); ok && p.MinAge > 0 {
			return true
		}
	}
	return false
}

// birthDate is the profile's birth date; a card's first application gives its
// own for a profile without one.
func (s *Subject) birthDate(fallback string) string {
	if s.BirthDate != "" {
		return s.BirthDate
	}
	return fallback
}

// packagesFor resolves the packages an application asks for (ids; none: the
// city's default packages, those the profile is eligible for): each must be an
// active package (else a field error in c, and the commit is conditioned on
// it staying active), and the profile must meet its age rule (else 409
// application_not_available, not_eligible).
func (s *Subject) packagesFor(c *httpapi.Checks, field string, ids []string, formBirthDate string) []entitlement.Package {
	today := citytime.Day(s.Now)
	birth := s.birthDate(formBirthDate)
	var out []entitlement.Package
	if len(ids) == 0 {
		for _, p := range s.Packages {
			if p.Default && p.Active && p.Eligible(birth, today) {
				out = append(out, p)
				s.requirePackage(p.ID, field)
			}
		}
		return out
	}
	known := true
	for i, id := range ids {
		p, ok := s.Packages.Find(id)
		if !ok || !p.Active {
			c.Fail(field+"["+itoa(i)+"]", "unknown")
			known = false
			continue
		}
		out = append(out, p)
	}
	if !known {
		return nil
	}
	for i, p := range out {
		if !p.Eligible(birth, today) {
			c.FailAs(NotAvailable, "The profile does not meet the age rule of package "+p.ID+".", field+"["+itoa(i)+"]", ReasonNotEligible)
			continue
		}
		s.requirePackage(p.ID, field+"["+itoa(i)+"]")
	}
	return out
}

// requirePackage conditions the change on a package staying active.
func (s *Subject) requirePackage(id, field string) {
	s.guard(func(tx *store.Tx) {
		dictionary.RequireActive(tx, dictionary.Packages, id, apierr.Invalid(apierr.FieldError{Field: field, Code: "unknown"}))
	})
}
