// Package dictionary holds the operator-maintained dictionaries (consent
// clauses, pickup points, duplicate reasons, identifier types, case types,
// packages), their public endpoints and the local seed.
package dictionary

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Kinds of dictionaries.
const (
	ConsentClauses   = "consent-clauses"
	PickupPoints     = "pickup-points"
	DuplicateReasons = "duplicate-reasons"
	IdentifierTypes  = "identifier-types"
	CaseTypes        = "case-types"
	Packages         = "packages"
)

// PublicKinds are served by GET /dictionaries/{kind}.
var PublicKinds = map[string]bool{PickupPoints: true, DuplicateReasons: true, IdentifierTypes: true, CaseTypes: true, Packages: true}

// Entry is one dictionary entry. Fields holds the kind's own attributes (a
// pickup point's address, an identifier type's pattern...), so the operator
// module can grow a kind without a migration.
type Entry struct {
	store.Key `json:"-"`
	ID        string         `dynamodbav:"id" json:"id"`
	Name      string         `dynamodbav:"name" json:"name"`
	Active    bool           `dynamodbav:"active" json:"active"`
	Order     int            `dynamodbav:"order" json:"-"`
	Fields    map[string]any `dynamodbav:"fields,omitempty" json:"-"`
	// Revision counts the operators' changes; every change is conditioned on
	// the one it was decided on (seeded entries start without one: 0).
	Revision int `dynamodbav:"revision,omitempty" json:"-"`
}

// Clause is a consent clause.
type Clause struct {
	store.Key `json:"-"`
	ID        string `dynamodbav:"id" json:"id"`
	Title     string `dynamodbav:"title" json:"title"`
	Body      string `dynamodbav:"body" json:"body"`
	Mandatory bool   `dynamodbav:"mandatory" json:"mandatory"`
	GDPR      bool   `dynamodbav:"gdpr" json:"gdpr"`
	Version   int    `dynamodbav:"version" json:"version"`
	Active    bool   `dynamodbav:"active" json:"-"`
	Order     int    `dynamodbav:"order" json:"-"`
	// Revision counts the operators' changes (Version counts the text's).
	Revision int `dynamodbav:"revision,omitempty" json:"-"`
}

// List reads a dictionary's active entries in their order: one Query.
func List(ctx context.Context, t *store.Table, kind string) ([]Entry, error) {
	var out []Entry
	if err := query(ctx, t, kind, &out); err != nil {
		return nil, err
	}
	active := out[:0]
	for _, e := range out {
		if e.Active {
			active = append(active, e)
		}
	}
	sort.SliceStable(active, func(i, j int) bool { return active[i].Order < active[j].Order })
	return active, nil
}

// All reads every entry of a dictionary, retired ones too (old records still
// name them), in their order: one Query.
func All(ctx context.Context, t *store.Table, kind string) ([]Entry, error) {
	var out []Entry
	if err := query(ctx, t, kind, &out); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, nil
}

// Clauses reads the current consent clauses: one Query.
func Clauses(ctx context.Context, t *store.Table) ([]Clause, error) {
	var out []Clause
	if err := query(ctx, t, ConsentClauses, &out); err != nil {
		return nil, err
	}
	active := out[:0]
	for _, c := range out {
		if c.Active {
			active = append(active, c)
		}
	}
	sort.SliceStable(active, func(i, j int) bool { return active[i].Order < active[j].Order })
	return active, nil
}

func query(ctx context.Context, t *store.Table, kind string, out any) error {
	// Dictionaries are small (tens of entries): one page holds them.
	_, err := t.Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.DictionaryPK(kind))),
		Forward: true,
	}, out)
	return err
}

// view flattens an entry's fields beside its id and name.
func view(e Entry) map[string]any {
	m := map[string]any{}
	for k, v := range e.Fields {
		m[k] = v
	}
	m["id"], m["name"] = e.ID, e.Name
	return m
}

// GetClauses serves GET /consents/clauses.
func GetClauses(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		cs, err := Clauses(ctx, store.Of(d))
		if err != nil {
			return nil, err
		}
		if cs == nil {
			cs = []Clause{}
		}
		return httpapi.JSON(200, httpapi.List[Clause]{Items: cs}), nil
	}
}

// Get serves GET /dictionaries/{kind}.
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		kind := r.Params["kind"]
		if !PublicKinds[kind] {
			return nil, apierr.New(apierr.NotFound, "No such dictionary.")
		}
		es, err := List(ctx, store.Of(d), kind)
		if err != nil {
			return nil, err
		}
		items := make([]map[string]any, 0, len(es))
		for _, e := range es {
			items = append(items, view(e))
		}
		return httpapi.JSON(200, httpapi.List[map[string]any]{Items: items}), nil
	}
}
