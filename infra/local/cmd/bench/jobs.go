package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/store"
)

// jobSizes are the populations the daily job is run against.
var jobSizes = []int{10_000, 100_000}

// dueShare is the share of entitlements with a notice due on the run's day.
const dueShare = 0.01

// jobRow is one run of the entitlements-expiry job on a seeded table.
type jobRow struct {
	Profiles  int
	Due       int
	ItemsRead int
	Calls     int64
	Mails     int
	Took      time.Duration
	Read      time.Duration
	Write     time.Duration
	Seeding   time.Duration
	// RawTx is the mean time of a bare two-item transaction on the same
	// table right after the run: what DynamoDB Local itself takes per mail.
	RawTx time.Duration
	Err   string
}

// jobScaling seeds a fresh table per size with one entitlement per profile,
// 1 % of them with their 30-day reminder due on the run's day and the rest
// due later, runs the job once and records what it read and how long it took:
// the job's cost must follow the entitlements due, not the residents.
func jobScaling(ctx context.Context) ([]jobRow, error) {
	if _, ok := stack.FromEnv(); !ok {
		return nil, fmt.Errorf("no emulators (run through make bench)")
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	var calls atomic.Int64
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.DisableValidateResponseChecksum = true
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("benchCountCalls",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					calls.Add(1)
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	})
	pkg := entitlement.Package{ID: "transport", Name: "Komunikacja miejska — bilety ulgowe", ValidityMonths: 12}
	day := citytime.Day(time.Now()).AddDate(0, 1, 0)
	var rows []jobRow
	for _, n := range jobSizes {
		row := jobRow{Profiles: n}
		name := "karta-bench-job-" + ulid.Make().String()[20:]
		if err := stack.CreateTable(ctx, db, name); err != nil {
			return nil, err
		}
		start := time.Now()
		progress("seeding %d entitlements (%.0f %% due)", n, 100*dueShare)
		if err := seedEntitlements(ctx, db, name, pkg, n, day); err != nil {
			return nil, err
		}
		row.Seeding = time.Since(start)
		job := &entitlement.Expiry{Table: &store.Table{DB: db, Name: name, Now: time.Now}, PortalURL: "http://portal.bench", Log: discardLog()}
		calls.Store(0)
		start = time.Now()
		sum, err := job.Run(ctx, citytime.Start(day).Add(2*time.Hour))
		row.Took, row.Calls = time.Since(start), calls.Load()
		row.Due, row.ItemsRead, row.Mails = sum.Due, sum.ItemsRead, sum.Mails
		row.Read, row.Write = time.Duration(sum.ReadMs)*time.Millisecond, time.Duration(sum.WriteMs)*time.Millisecond
		if err != nil {
			row.Err = err.Error()
		}
		if row.RawTx, err = probeTransactions(ctx, db, name, 100); err != nil && row.Err == "" {
			row.Err = err.Error()
		}
		rows = append(rows, row)
		_, _ = db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
	}
	return rows, nil
}

// seedEntitlements writes n entitlements, one per profile and recipient, in
// batches from a few workers; every hundredth one has its 30-day reminder due
// on day, the others later in the year.
func seedEntitlements(ctx context.Context, db *dynamodb.Client, table string, pkg entitlement.Package, n int, day time.Time) error {
	items := make(chan map[string]types.AttributeValue, 256)
	errs := make(chan error, 1)
	go func() {
		defer close(items)
		every := int(1 / dueShare)
		for i := range n {
			// The last day: 30 days after the run's day for the due ones,
			// 31 to 364 days after it for the others.
			last := day.AddDate(0, 0, 30)
			if i%every != 0 {
				last = day.AddDate(0, 0, 31+i%334)
			}
			granted := citytime.Start(last.AddDate(0, -pkg.ValidityMonths, 1)).Add(12 * time.Hour)
			profile := ulid.Make().String()
			e := entitlement.Renew(&store.Tx{}, nil, pkg, entitlement.Grant{ProfileID: profile, HouseholdID: profile,
				NotifyEmail: fmt.Sprintf("p%d@bench.example", i), HolderName: "Anna", ApplicationID: "bench", Now: granted})
			av, err := attributevalue.MarshalMap(e)
			if err != nil {
				errs <- err
				return
			}
			select {
			case items <- av:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	var first error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
		}
	}
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return first != nil }
	for range 4 {
		wg.Go(func() {
			var batch []types.WriteRequest
			flush := func() {
				req := map[string][]types.WriteRequest{table: batch}
				for len(req[table]) > 0 && !failed() {
					out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						fail(err)
						break
					}
					req = out.UnprocessedItems
				}
				batch = batch[:0]
			}
			// After a failure the items are drained, not written, so the
			// producer never blocks.
			for av := range items {
				batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
				if len(batch) == 25 {
					flush()
				}
			}
			if len(batch) > 0 {
				flush()
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return first
}

// probeTransactions times n transactions of the job's shape written bare: a
// new item and an update of another, both with index keys, each under a
// condition, one after another. The job's writing per mail divided by this
// is the job's own share, comparable across table sizes.
func probeTransactions(ctx context.Context, db *dynamodb.Client, table string, n int) (time.Duration, error) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	start := time.Now()
	for i := range n {
		id := ulid.Make().String()
		item := func(kind string) map[string]types.AttributeValue {
			return map[string]types.AttributeValue{"PK": s("PROBE#" + kind + id), "SK": s("PROBE"), "GSI2PK": s("PROBE#" + kind),
				"GSI2SK": s(id), "to": s(fmt.Sprintf("p%d@bench.example", i)), "template": s("entitlement_expiry")}
		}
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: &table, Item: item("mail"), ConditionExpression: awsString("attribute_not_exists(PK)")}},
			{Put: &types.Put{TableName: &table, Item: item("entitlement"), ConditionExpression: awsString("attribute_not_exists(PK)")}},
		}})
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start) / time.Duration(n), nil
}

func awsString(v string) *string { return &v }

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
