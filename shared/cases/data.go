package cases

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Every DynamoDB expression of the feature is built in this file; the rules
// and handlers speak of cases, entries and messages.

func table(d *platform.Deps) *store.Table { return store.Of(d) }

func typeKey(id string) store.Key { return store.DictionaryKey(dictionary.CaseTypes, id) }

// factSet is the items a change is decided on, by key, as read.
type factSet = map[store.Key]map[string]types.AttributeValue

// facts reads the items a change is decided on (the case, its type, uploads,
// a profile) in one batch.
func facts(ctx context.Context, d *platform.Deps, keys []store.Key) (factSet, error) {
	seen := map[store.Key]bool{}
	var distinct []store.Key
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			distinct = append(distinct, k)
		}
	}
	return table(d).GetItems(ctx, distinct)
}

// as unmarshals a fact; false when it was not found.
func as(items factSet, k store.Key, out any) (bool, error) {
	it, ok := items[k]
	if !ok {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(it, out)
}

// listQuery is one source of a list: a range of list entries (and, in a
// profile's partition, read marks) of an owner's partition.
type listQuery struct {
	pk      string
	lo, hi  string // sort keys, both inclusive
	forward bool
	limit   int32
	status  string
	typeID  string
	unread  *bool // own cases only; a broadcast's unread state is its read mark's
	marks   bool  // keep read marks (the list merges broadcasts)
}

// listed is what one list query read: entries, read marks, and the sort key
// it stopped at ("" when it read its whole range).
type listed struct {
	entries []Entry
	marks   []ReadMark
	last    string
}

func queryList(ctx context.Context, d *platform.Deps, q listQuery) (listed, error) {
	var out listed
	if q.lo > q.hi {
		return out, nil
	}
	var conds []expression.ConditionBuilder
	if q.status != "" {
		conds = append(conds, expression.Name("status").Equal(expression.Value(q.status)))
	}
	if q.typeID != "" {
		conds = append(conds, expression.Name("typeId").Equal(expression.Value(q.typeID)))
	}
	if q.unread != nil {
		conds = append(conds, expression.Name("unread").Equal(expression.Value(*q.unread)))
	}
	entries := expression.Name("kind").Equal(expression.Value(kindCase))
	for _, c := range conds {
		entries = entries.And(c)
	}
	filter := entries
	if q.marks {
		filter = expression.Name("kind").Equal(expression.Value(kindRead)).Or(entries)
	}
	items, next, err := table(d).QueryItems(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(q.pk)).
			And(expression.Key("SK").Between(expression.Value(q.lo), expression.Value(q.hi))),
		Filter: &filter, Limit: q.limit, Forward: q.forward, Consistent: true,
	})
	if err != nil {
		return out, err
	}
	for _, it := range items {
		if kind, _ := it["kind"].(*types.AttributeValueMemberS); kind != nil && kind.Value == kindRead {
			var m ReadMark
			if err := attributevalue.UnmarshalMap(it, &m); err != nil {
				return out, err
			}
			out.marks = append(out.marks, m)
			continue
		}
		var e Entry
		if err := attributevalue.UnmarshalMap(it, &e); err != nil {
			return out, err
		}
		out.entries = append(out.entries, e)
	}
	if sk, ok := next["SK"].(*types.AttributeValueMemberS); ok {
		out.last = sk.Value
	}
	return out, nil
}

// countUnread counts a profile's own cases with unread city messages.
func countUnread(ctx context.Context, d *platform.Deps, profileID string) (int, error) {
	filter := expression.Name("kind").Equal(expression.Value(kindCase)).And(expression.Name("unread").Equal(expression.Value(true)))
	q := store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").BeginsWith(store.CaseSKPrefix)),
		Filter: &filter, Forward: true, Consistent: true,
	}
	n := 0
	for {
		items, next, err := table(d).QueryItems(ctx, q)
		if err != nil {
			return 0, err
		}
		n += len(items)
		if next == nil {
			return n, nil
		}
		q.StartKey = next
	}
}

// thread reads a case and its newest messages (newest first): one Query, as
// the state sorts after the messages. more says whether older ones are left.
func thread(ctx context.Context, d *platform.Deps, r ref, limit int) (*Case, []Message, bool, error) {
	items, _, err := table(d).QueryItems(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(r.ownerPK)).
			And(expression.Key("SK").BeginsWith(store.ThreadPrefix(r.ulid))),
		Limit: int32(limit + 2), Consistent: true,
	})
	if err != nil {
		return nil, nil, false, err
	}
	var c *Case
	var msgs []Message
	for _, it := range items {
		sk, _ := it["SK"].(*types.AttributeValueMemberS)
		if sk != nil && sk.Value == r.caseKey().SK {
			c = &Case{}
			if err := attributevalue.UnmarshalMap(it, c); err != nil {
				return nil, nil, false, err
			}
			continue
		}
		var m Message
		if err := attributevalue.UnmarshalMap(it, &m); err != nil {
			return nil, nil, false, err
		}
		msgs = append(msgs, m)
	}
	if len(msgs) > limit {
		return c, msgs[:limit], true, nil
	}
	return c, msgs, false, nil
}

// olderMessages reads the messages before the one at sort key before (newest
// first). household is the case's (from any message read, that one
// included); found is false when not even that message exists.
func olderMessages(ctx context.Context, d *platform.Deps, r ref, before string, limit int) (msgs []Message, more bool, household string, found bool, err error) {
	var all []Message
	_, err = table(d).Query(ctx, store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(r.ownerPK)).
			And(expression.Key("SK").Between(expression.Value(store.MessagePrefix(r.ulid)), expression.Value(before))),
		Limit: int32(limit + 2), Consistent: true,
	}, &all)
	if err != nil {
		return nil, false, "", false, err
	}
	for _, m := range all {
		found, household = true, m.HouseholdID
		if m.SK != before {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) > limit {
		return msgs[:limit], true, household, found, nil
	}
	return msgs, false, household, found, nil
}

// cursorAt is the opaque cursor of a position in a partition (a list entry's
// or a message's sort key).
func cursorAt(pk, sk string) *string {
	return store.EncodeCursor(map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}})
}

// cursorSK is the sort key of a decoded cursor.
func cursorSK(start map[string]types.AttributeValue) string {
	sk, _ := start["SK"].(*types.AttributeValueMemberS)
	if sk == nil {
		return ""
	}
	return sk.Value
}

// isMessageKey reports whether a sort key is one of a case's messages.
func isMessageKey(r ref, sk string) bool {
	return strings.HasPrefix(sk, store.MessagePrefix(r.ulid)) && store.IsID(strings.TrimPrefix(sk, store.MessagePrefix(r.ulid)))
}

// inboxQuery is a page of the operators' inbox.
type inboxQuery struct {
	status  string
	waiting string
	typeID  string
	page    store.QueryInput
}

func queryInbox(ctx context.Context, d *platform.Deps, q inboxQuery) ([]Case, map[string]types.AttributeValue, error) {
	key := expression.Key("GSI1PK").Equal(expression.Value(store.CaseQueuePK(q.status)))
	if q.waiting != "" {
		key = key.And(expression.Key("GSI1SK").BeginsWith(q.waiting + "#"))
	}
	in := q.page
	in.Index, in.KeyCond = store.GSI1, key
	if q.typeID != "" {
		f := expression.Name("typeId").Equal(expression.Value(q.typeID))
		in.Filter = &f
	}
	var cs []Case
	next, err := table(d).Query(ctx, in, &cs)
	return cs, next, err
}

// inboxCursorOK checks a decoded inbox cursor: every key of an index
// position, within the waiting kind asked for.
func inboxCursorOK(start map[string]types.AttributeValue, waiting string) bool {
	for _, k := range []string{"PK", "SK", "GSI1PK", "GSI1SK"} {
		if _, ok := start[k]; !ok {
			return false
		}
	}
	gsk, _ := start["GSI1SK"].(*types.AttributeValueMemberS)
	return gsk != nil && (waiting == "" || strings.HasPrefix(gsk.Value, waiting+"#"))
}

// timeKey sorts instants as strings in the inbox index.
const timeKey = "2006-01-02T15:04:05.000000Z"

// queueKeys place a case in the operators' inbox: an open case by whom it
// waits for ("city" sorts before "resident": cases waiting for the city come
// first) and since when, oldest first; a closed one by its closing time. A
// broadcast waits for nobody.
func queueKeys(c *Case) store.Index1 {
	switch {
	case c.Broadcast:
		return store.Index1{}
	case c.Status == StatusOpen:
		return store.Index1{GSI1PK: store.CaseQueuePK(StatusOpen),
			GSI1SK: c.Waiting + "#" + c.LastMessageAt.UTC().Format(timeKey) + "#" + c.CaseID}
	default:
		at := c.LastMessageAt
		if c.ClosedAt != nil {
			at = *c.ClosedAt
		}
		return store.Index1{GSI1PK: store.CaseQueuePK(StatusClosed), GSI1SK: at.UTC().Format(timeKey) + "#" + c.CaseID}
	}
}

func entryOf(c *Case, r ref) *Entry {
	return &Entry{Key: r.entryKey(), Kind: kindCase, CaseID: c.CaseID, TypeID: c.TypeID, TypeName: c.TypeName,
		Subject: c.Subject, Status: c.Status, Broadcast: c.Broadcast, CreatedAt: c.CreatedAt,
		LastMessageAt: c.LastMessageAt, Unread: c.Unread}
}

// create adds a new case, its list entry and its first message to tx.
func create(tx *store.Tx, c *Case, r ref, m *Message) {
	c.Index1 = queueKeys(c)
	tx.Create(c, nil)
	tx.Create(entryOf(c, r), nil)
	tx.Create(m, nil)
}

// addMessage adds a message to an open case in tx; c holds the case as it
// will be (last message, unread, waiting) and the version it was read in.
func addMessage(tx *store.Tx, c *Case, r ref, m *Message) {
	c.Index1 = queueKeys(c)
	upd := expression.Set(expression.Name("lastMessageAt"), expression.Value(c.LastMessageAt)).
		Set(expression.Name("unread"), expression.Value(c.Unread)).
		Add(expression.Name("messages"), expression.Value(1))
	if c.Waiting != "" {
		upd = upd.Set(expression.Name("waiting"), expression.Value(c.Waiting))
	}
	if c.GSI1SK != "" {
		upd = upd.Set(expression.Name("GSI1SK"), expression.Value(c.GSI1SK))
	}
	tx.Change(c.Key, c.Version, upd, store.Cond(expression.Name("status").Equal(expression.Value(StatusOpen))), errChanged)
	tx.Update(r.entryKey(), expression.Set(expression.Name("lastMessageAt"), expression.Value(c.LastMessageAt)).
		Set(expression.Name("unread"), expression.Value(c.Unread)), store.Exists(), errChanged)
	tx.Create(m, nil)
	c.Messages++
	c.Version++
}

// markRead marks an individual case read in tx, unless a city message came
// since it was read (then the write fails with onFail, and the case stays
// unread).
func markRead(tx *store.Tx, c *Case, r ref, onFail error) {
	tx.Change(c.Key, c.Version, expression.Set(expression.Name("unread"), expression.Value(false)),
		store.Cond(expression.Name("unread").Equal(expression.Value(true))), onFail)
	tx.Update(r.entryKey(), expression.Set(expression.Name("unread"), expression.Value(false)), store.Exists(), onFail)
}

// markBroadcastRead writes a profile's read mark of a broadcast in tx;
// onFail answers a broadcast read before.
func markBroadcastRead(tx *store.Tx, m *ReadMark, onFail error) {
	tx.Create(m, onFail)
}

// closeCase closes an open case in tx.
func closeCase(tx *store.Tx, c *Case, r ref) {
	c.Index1 = queueKeys(c)
	upd := expression.Set(expression.Name("status"), expression.Value(StatusClosed)).
		Set(expression.Name("closedAt"), expression.Value(*c.ClosedAt)).
		Remove(expression.Name("waiting"))
	if c.GSI1PK != "" {
		upd = upd.Set(expression.Name("GSI1PK"), expression.Value(c.GSI1PK)).Set(expression.Name("GSI1SK"), expression.Value(c.GSI1SK))
	}
	tx.Change(c.Key, c.Version, upd, store.Cond(expression.Name("status").Equal(expression.Value(StatusOpen))),
		errChanged)
	tx.Update(r.entryKey(), expression.Set(expression.Name("status"), expression.Value(StatusClosed)), store.Exists(), errChanged)
	c.Version++
}
