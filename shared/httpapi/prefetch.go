package httpapi

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/store"
)

// A route's handler may name, from the request alone (its path, query and
// body), items it is going to read; the adapter reads them in the same
// BatchGetItem as the caller's account: one round trip instead of two. The
// account is checked first, as always: a refused caller's handler never runs
// and sees nothing of them, and reading changes nothing.

// Prefetch names the items a request will read; none where the request does
// not name them well (the handler then refuses it or reads them itself).
type Prefetch func(r *Request) []store.Key

var prefetches sync.Map // function name → Prefetch

// RegisterPrefetch declares the items function's handler reads from its
// requests. Feature packages call it from init, next to the handler.
func RegisterPrefetch(function string, p Prefetch) { prefetches.Store(function, p) }

// maxPrefetchKey bounds a key part taken from a request: longer values name
// no item of this table (DynamoDB refuses sort keys over 1,024 bytes).
const maxPrefetchKey = 256

// prefetchKeys are the request's items to read with the account: distinct,
// well formed, at most what one BatchGetItem holds beside the account.
func (a *Adapter) prefetchKeys(r *Request) []store.Key {
	v, ok := prefetches.Load(a.Route.Function)
	if !ok {
		return nil
	}
	seen := map[store.Key]bool{}
	var out []store.Key
	for _, k := range v.(Prefetch)(r) {
		if k.PK == "" || k.SK == "" || len(k.PK) > maxPrefetchKey || len(k.SK) > maxPrefetchKey || seen[k] || len(out) == 99 {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	return out
}

// readAccount reads the caller's account, with the prefetched items when
// there are any; found is false when the account does not exist.
func (a *Adapter) readAccount(ctx context.Context, r *Request, k store.Key, out any) (found bool, err error) {
	keys := a.prefetchKeys(r)
	if len(keys) == 0 {
		err := a.Table.Get(ctx, k, out)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	items, err := a.Table.GetItems(ctx, append([]store.Key{k}, keys...))
	if err != nil {
		return false, err
	}
	it, ok := items[k]
	if !ok {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(it, out); err != nil {
		return false, err
	}
	r.prefetched = map[store.Key]map[string]types.AttributeValue{}
	for _, pk := range keys {
		r.prefetched[pk] = items[pk] // nil: read, and missing
	}
	return true, nil
}

// Prefetched unmarshals into out the item k read with the caller's account:
// read is false when k was not among them (the handler reads it itself),
// found false when the item does not exist.
func (r *Request) Prefetched(k store.Key, out any) (read, found bool, err error) {
	it, ok := r.prefetched[k]
	if !ok {
		return false, false, nil
	}
	if it == nil {
		return true, false, nil
	}
	return true, true, attributevalue.UnmarshalMap(it, out)
}

// Get is t.Get that takes the item from the prefetched ones when it is among
// them: store.ErrNotFound where it does not exist.
func (r *Request) Get(ctx context.Context, t *store.Table, k store.Key, out any) error {
	read, found, err := r.Prefetched(k, out)
	switch {
	case !read:
		return t.Get(ctx, k, out)
	case err != nil:
		return err
	case !found:
		return store.ErrNotFound
	}
	return nil
}
