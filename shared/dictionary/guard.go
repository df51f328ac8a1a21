package dictionary

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Rules that depend on dictionaries (an active pickup point, the mandatory
// clauses) are checked as facts read before the change and guarded by a
// condition in the change's own transaction: an entry retired or a clause
// changed in between fails the commit instead of passing unnoticed.

// RequireActive adds to tx the condition that an entry is active; onFail
// answers otherwise (a field error of the request, typically).
func RequireActive(tx *store.Tx, kind, id string, onFail error) {
	tx.Check(store.DictionaryKey(kind, id), expression.Name("active").Equal(expression.Value(true)), onFail)
}

// ErrClausesChanged: the consent clauses changed while the request was decided.
var ErrClausesChanged = apierr.New(apierr.Conflict, "The consent clauses changed at the same time; read them again.")

// RequireClauses adds to tx the condition that every mandatory clause is as
// read: still active, mandatory and of the same version.
func RequireClauses(tx *store.Tx, clauses []Clause) {
	for _, c := range clauses {
		if !c.Mandatory {
			continue
		}
		tx.Check(store.DictionaryKey(ConsentClauses, c.ID),
			expression.Name("active").Equal(expression.Value(true)).
				And(expression.Name("mandatory").Equal(expression.Value(true))).
				And(expression.Name("version").Equal(expression.Value(c.Version))), ErrClausesChanged)
	}
}

// clauseCacheTTL bounds how long a function instance relies on the clauses
// it read: a clause made mandatory reaches rules within it. The commit's
// conditions (RequireClauses) catch a clause changed or retired at once.
const clauseCacheTTL = 60 * time.Second

var clauseCache struct {
	sync.Mutex
	clauses []Clause
	at      time.Time
}

// CachedClauses are the current clauses, read at most once a minute per
// function instance.
func CachedClauses(ctx context.Context, t *store.Table) ([]Clause, error) {
	clauseCache.Lock()
	defer clauseCache.Unlock()
	now := t.Now()
	if clauseCache.clauses != nil && now.Sub(clauseCache.at) < clauseCacheTTL && !now.Before(clauseCache.at) {
		return clauseCache.clauses, nil
	}
	cs, err := Clauses(ctx, t)
	if err != nil {
		return nil, err
	}
	clauseCache.clauses, clauseCache.at = cs, now
	return cs, nil
}

var entryCache struct {
	sync.Mutex
	kinds map[string]cachedEntries
}

type cachedEntries struct {
	entries []Entry
	at      time.Time
}

// CachedAll is a dictionary's every entry (All), read at most once a minute
// per function instance; rules that rely on an entry guard it with
// RequireActive, so a retired entry fails the commit at once.
func CachedAll(ctx context.Context, t *store.Table, kind string) ([]Entry, error) {
	entryCache.Lock()
	defer entryCache.Unlock()
	now := t.Now()
	if c, ok := entryCache.kinds[kind]; ok && now.Sub(c.at) < clauseCacheTTL && !now.Before(c.at) {
		return c.entries, nil
	}
	es, err := All(ctx, t, kind)
	if err != nil {
		return nil, err
	}
	if entryCache.kinds == nil {
		entryCache.kinds = map[string]cachedEntries{}
	}
	entryCache.kinds[kind] = cachedEntries{es, now}
	return es, nil
}

// forget drops this instance's cached entries of a kind after it changed
// one: the instance that made a change never serves the old entry. Other
// instances keep theirs for at most clauseCacheTTL (a minute); the commit
// conditions above catch what matters (a retired entry, a new version of a
// mandatory clause) at once, wherever the cache is.
func forget(kind string) {
	if kind == ConsentClauses {
		clauseCache.Lock()
		clauseCache.clauses = nil
		clauseCache.Unlock()
		return
	}
	entryCache.Lock()
	delete(entryCache.kinds, kind)
	entryCache.Unlock()
}
