package entitlement

import (
	"context"
	"time"

	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Package is an entry of the packages dictionary as the rules read it.
type Package struct {
	ID                string
	Name              string
	ValidityMonths    int
	DocumentsRequired bool
	// MinAge is 0 when the package has no age rule.
	MinAge  int
	Default bool
	Active  bool
}

// PackageOf reads a dictionary entry's fields.
func PackageOf(e dictionary.Entry) Package {
	p := Package{ID: e.ID, Name: e.Name, Active: e.Active,
		ValidityMonths: number(e.Fields["validityMonths"]), MinAge: number(e.Fields["minAge"])}
	p.DocumentsRequired, _ = e.Fields["documentsRequired"].(bool)
	p.Default, _ = e.Fields["default"].(bool)
	if p.ValidityMonths <= 0 {
		p.ValidityMonths = 12
	}
	return p
}

func number(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	case int64:
		return int(n)
	}
	return 0
}

// Catalog is the packages dictionary: active entries and retired ones (old
// entitlements still name them), in the dictionary's order.
type Catalog []Package

// Find is a package by id.
func (c Catalog) Find(id string) (Package, bool) {
	for _, p := range c {
		if p.ID == id {
			return p, true
		}
	}
	return Package{}, false
}

// Packages reads the packages dictionary: one Query.
func Packages(ctx context.Context, t *store.Table) (Catalog, error) {
	es, err := dictionary.All(ctx, t, dictionary.Packages)
	return catalogOf(es), err
}

// CachedPackages is the packages dictionary read at most once a minute per
// function instance (dictionary.CachedAll).
func CachedPackages(ctx context.Context, t *store.Table) (Catalog, error) {
	es, err := dictionary.CachedAll(ctx, t, dictionary.Packages)
	return catalogOf(es), err
}

func catalogOf(es []dictionary.Entry) Catalog {
	out := make(Catalog, 0, len(es))
	for _, e := range es {
		out = append(out, PackageOf(e))
	}
	return out
}

// Eligible reports whether a person born on birthDate may hold the package on
// a city day (its age rule).
func (p Package) Eligible(birthDate string, today time.Time) bool {
	if p.MinAge == 0 {
		return true
	}
	b, err := citytime.ParseDay(birthDate)
	return err == nil && citytime.Age(b, today) >= p.MinAge
}
