package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type thing struct {
	store.Key
	Status string `dynamodbav:"status"`
}

// Every state change is guarded: a failed condition answers the error its write
// carries, and the other writes of the transaction are not applied.
func TestCommitConditions(t *testing.T) {
	e := testenv.Get(t)
	tbl := store.Of(e.Deps)
	ctx := context.Background()
	a := thing{Key: store.Key{PK: "TEST#" + testenv.Email("a"), SK: "X"}, Status: "open"}
	b := thing{Key: store.Key{PK: "TEST#" + testenv.Email("b"), SK: "X"}, Status: "open"}
	if err := tbl.Commit(ctx, (&store.Tx{}).Create(&a, nil)); err != nil {
		t.Fatal(err)
	}
	taken := apierr.New(apierr.Conflict, "taken")
	wrongState := apierr.New(apierr.Conflict, "wrong state")
	tx := &store.Tx{}
	tx.Create(&b, nil)
	tx.Update(a.Key, expression.Set(expression.Name("status"), expression.Value("closed")),
		store.Cond(expression.Name("status").Equal(expression.Value("closed"))), wrongState)
	if err := tbl.Commit(ctx, tx); !errors.Is(err, wrongState) {
		t.Fatalf("got %v, want the update's error", err)
	}
	var got thing
	if err := tbl.Get(ctx, b.Key, &got); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a write of a cancelled transaction was applied: %v", err)
	}
	if err := tbl.Commit(ctx, (&store.Tx{}).Create(&a, taken)); !errors.Is(err, taken) {
		t.Fatalf("got %v, want taken", err)
	}
}

// Throttling (which DynamoDB Local never does, so it is injected at the SDK's
// middleware) answers 503 retry_later with Retry-After, never a 500.
func TestThrottlingIsRetryLater(t *testing.T) {
	e := testenv.Get(t)
	db := dynamodb.NewFromConfig(e.AWS, func(o *dynamodb.Options) {
		o.RetryMaxAttempts = 1
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("throttle",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, &types.ProvisionedThroughputExceededException{Message: new(string)}
				}), middleware.After)
		})
	})
	tbl := store.New(db, e.Resources.Table)
	var got thing
	err := tbl.Get(context.Background(), store.Key{PK: "TEST#x", SK: "X"}, &got)
	ae := apierr.From(err)
	if ae == nil || ae.Code != apierr.RetryLater || ae.Status() != 503 || ae.RetryAfter == 0 {
		t.Fatalf("got %v", err)
	}
}

// Issue 7, item 12: a transaction whose write failed to build is never
// reported as committed, even when that write was its only one.
func TestCommitReportsBuildErrors(t *testing.T) {
	e := testenv.Get(t)
	tbl := store.Of(e.Deps)
	ctx := context.Background()
	k := store.Key{PK: "TEST#" + testenv.Email("build"), SK: "X"}
	// An update with nothing to set does not build.
	only := (&store.Tx{}).Update(k, expression.UpdateBuilder{}, nil, nil)
	if err := tbl.Commit(ctx, only); err == nil {
		t.Fatal("a transaction whose only write failed to build committed")
	}
	mixed := (&store.Tx{}).Create(&thing{Key: k, Status: "open"}, nil)
	mixed.Update(k, expression.UpdateBuilder{}, nil, nil)
	if err := tbl.Commit(ctx, mixed); err == nil {
		t.Fatal("a transaction with a write that failed to build committed")
	}
	var got thing
	if err := tbl.Get(ctx, k, &got); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a write of a transaction that failed to build was applied: %v", err)
	}
}
