package benefit

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/textfold"
)

// record adds a benefit to tx; the record is new (a retry with the same key is
// stopped by the idempotency record written with it).
func record(tx *store.Tx, b *Benefit) {
	b.BenefitID = ulid.Make().String()
	b.Key = store.BenefitKey(b.BenefitID)
	sk := sortKey(b.UsedAt, b.BenefitID)
	b.Index1 = store.Index1{GSI1PK: store.BenefitsPK(b.ProfileID), GSI1SK: sk}
	b.Index2 = store.Index2{GSI2PK: store.OrganizationBenefitsPK(b.OrganizationID), GSI2SK: sk}
	b.Search = textfold.Fold(b.Name + " " + b.PartnerName)
	tx.Create(b, nil)
}

// span is a range of instants [from, to) of a list's days; zero ends are open.
type span struct{ from, to time.Time }

// listQuery is one page of an index partition (GSI1 or GSI2) within a span,
// optionally filtered by a folded search text.
func listPage(ctx context.Context, t *store.Table, index, pk string, s span, q string, page httpapi.Page) ([]Benefit, map[string]types.AttributeValue, error) {
	pkName, skName := index+"PK", index+"SK"
	kc := expression.Key(pkName).Equal(expression.Value(pk))
	lo, hi := "", ""
	if !s.from.IsZero() {
		lo = s.from.UTC().Format(timeKey)
	}
	if !s.to.IsZero() {
		hi = s.to.UTC().Format(timeKey)
	}
	switch {
	case lo != "" && hi != "":
		kc = kc.And(expression.Key(skName).Between(expression.Value(lo), expression.Value(hi)))
	case lo != "":
		kc = kc.And(expression.Key(skName).GreaterThanEqual(expression.Value(lo)))
	case hi != "":
		kc = kc.And(expression.Key(skName).LessThan(expression.Value(hi)))
	}
	in := store.QueryInput{Index: index, KeyCond: kc, Limit: page.Limit, Forward: page.Ascending, StartKey: page.Start}
	if q != "" {
		f := expression.Contains(expression.Name("search"), q)
		in.Filter = &f
	}
	var bs []Benefit
	next, err := t.Query(ctx, in, &bs)
	return bs, next, err
}
