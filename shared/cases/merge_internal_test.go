package cases

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/store"
)

// item is one item of a simulated partition range.
type simItem struct {
	sk     string
	entry  *Entry
	mark   bool
	unread bool
}

// simQuery is queryList over a sorted slice, as DynamoDB runs it: the key
// range, the direction, Limit counting items evaluated before the filter,
// and the last evaluated key whenever Limit stopped it.
func simQuery(items []simItem, lo, hi string, forward bool, limit int, keep func(simItem) bool) (listed, bool) {
	var out listed
	if lo > hi {
		return out, false
	}
	var inRange []simItem
	for _, it := range items {
		if it.sk >= lo && it.sk <= hi {
			inRange = append(inRange, it)
		}
	}
	slices.SortFunc(inRange, func(a, b simItem) int {
		if forward {
			return compare(a.sk, b.sk)
		}
		return compare(b.sk, a.sk)
	})
	for i, it := range inRange {
		if i == limit {
			out.last = inRange[i-1].sk
			break
		}
		if !keep(it) {
			continue
		}
		if it.mark {
			out.marks = append(out.marks, ReadMark{Key: store.Key{SK: it.sk}})
		} else {
			e := *it.entry
			out.entries = append(out.entries, e)
		}
	}
	return out, true
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// R9.1: merge pages own cases and broadcasts, with read marks and filters,
// into one order that holds each case exactly once, whatever the spacing of
// the two sources, the page size and the direction (random layouts).
func TestMergePaging(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 300 {
		var own, casts []simItem
		var all []Entry
		at := base
		for range rng.IntN(40) {
			at = at.Add(time.Duration(1+rng.IntN(3)) * time.Millisecond)
			id := ulid.MustNew(ulid.Timestamp(at), ulid.DefaultEntropy()).String()
			if rng.IntN(2) == 0 {
				e := &Entry{Key: store.Key{SK: store.CaseSKPrefix + id}, Kind: kindCase, CaseID: "p." + id, Unread: rng.IntN(3) == 0}
				own = append(own, simItem{sk: e.SK, entry: e, unread: e.Unread})
				all = append(all, *e)
			} else {
				e := &Entry{Key: store.Key{SK: store.CaseSKPrefix + id}, Kind: kindCase, CaseID: id, Broadcast: true}
				casts = append(casts, simItem{sk: e.SK, entry: e})
				read := rng.IntN(2) == 0
				if read {
					own = append(own, simItem{sk: store.CaseSKPrefix + id + "#READ", mark: true})
				}
				e.Unread = !read
				all = append(all, *e)
			}
		}
		desc := rng.IntN(2) == 0
		limit := 1 + rng.IntN(8)
		var unread *bool
		switch rng.IntN(3) {
		case 1:
			unread = new(true)
		case 2:
			unread = new(false)
		}
		var want []string
		for _, e := range all {
			if unread == nil || e.Unread == *unread {
				want = append(want, e.CaseID)
			}
		}
		if desc {
			slices.Reverse(want)
		}
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 200 {
				t.Fatalf("round %d: paging does not end", round)
			}
			lo, hi := span(cursor, "", desc)
			ownRes, _ := simQuery(own, lo, hi, !desc, limit+1, func(it simItem) bool {
				return it.mark || unread == nil || it.unread == *unread
			})
			bcRes, _ := simQuery(casts, lo, hi, !desc, limit+1, func(simItem) bool { return true })
			read := map[string]bool{}
			for _, m := range ownRes.marks {
				read[posOf(m.SK)] = true
			}
			page, next := merge(source{without(ownRes.entries, cursor), posOf(ownRes.last)},
				source{without(bcRes.entries, cursor), posOf(bcRes.last)}, read, desc, limit, unread)
			if len(page) > limit {
				t.Fatalf("round %d: page of %d, limit %d", round, len(page), limit)
			}
			for _, e := range page {
				got = append(got, e.CaseID)
				if e.Broadcast {
					for _, a := range all {
						if a.CaseID == e.CaseID && a.Unread != e.Unread {
							t.Fatalf("round %d: broadcast %s unread %v, want %v", round, e.CaseID, e.Unread, a.Unread)
						}
					}
				}
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d (desc %v, limit %d, unread %v):\n got %v\nwant %v", round, desc, limit, unread, got, want)
		}
	}
}
