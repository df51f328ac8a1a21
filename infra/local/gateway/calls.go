package gateway

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

type callsKey struct{}

// CallsHeader carries, in local answers, the DynamoDB round trips the request
// made: the tests and the benchmarks read their budgets from it.
const CallsHeader = "X-Local-Dynamodb-Calls"

// CapacityHeader carries the read and write capacity units the request's
// DynamoDB calls consumed, as DynamoDB reports them ("read=1.5;write=4"):
// the bench prices each route from it.
const CapacityHeader = "X-Local-Dynamodb-Capacity"

// DynamoTimeHeader carries the time, in microseconds, the request's DynamoDB
// calls spent on the wire (each call's HTTP exchange, summed): the bench sets a
// route's latency against it.
const DynamoTimeHeader = "X-Local-Dynamodb-Micros"

// FunctionTimeHeader carries, in microseconds, how long the route's function
// (its adapter and handler) took, the pricing reads taken out: the request's
// time without the gateway's own work (the JWT check API Gateway does in AWS).
const FunctionTimeHeader = "X-Local-Function-Micros"

// PricingTimeHeader carries Usage.Pricing in microseconds: the part of the
// answer's time the gateway spent pricing transactions.
const PricingTimeHeader = "X-Local-Dynamodb-Pricing-Micros"

// Usage is what one request's DynamoDB calls did.
type Usage struct {
	mu    sync.Mutex
	Calls int
	// ReadUnits and WriteUnits are the consumed capacity DynamoDB returned,
	// table and indexes together.
	ReadUnits, WriteUnits float64
	// Wire is the sum of the calls' HTTP exchanges; concurrent calls add up.
	Wire time.Duration
	// Pricing is the time spent reading the items of transactions to price
	// them (txcost.go): not the platform's, so timings subtract it.
	Pricing time.Duration
}

func (u *Usage) add(f func(*Usage)) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f(u)
}

// Snapshot returns the counts so far.
func (u *Usage) Snapshot() (calls int, read, write float64, wire time.Duration) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.Calls, u.ReadUnits, u.WriteUnits, u.Wire
}

// PricingTime is Usage.Pricing so far.
func (u *Usage) PricingTime() time.Duration {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.Pricing
}

// SetHeaders writes the usage into an answer's headers.
func (u *Usage) SetHeaders(h http.Header) {
	calls, read, write, wire := u.Snapshot()
	h.Set(CallsHeader, strconv.Itoa(calls))
	h.Set(CapacityHeader, fmt.Sprintf("read=%s;write=%s", units(read), units(write)))
	h.Set(DynamoTimeHeader, strconv.FormatInt(wire.Microseconds(), 10))
	h.Set(PricingTimeHeader, strconv.FormatInt(u.PricingTime().Microseconds(), 10))
}

func units(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ParseCapacity reads CapacityHeader's value.
func ParseCapacity(v string) (read, write float64) {
	_, _ = fmt.Sscanf(v, "read=%g;write=%g", &read, &write)
	return read, write
}

// CountCalls is a DynamoDB client option that counts each operation against the
// usage of the request's context, asks DynamoDB for the capacity it consumed
// (ReturnConsumedCapacity TOTAL) and times its HTTP exchange.
func CountCalls(o *dynamodb.Options) {
	// Read lazily: the options are complete once the client is built.
	pricer := &txPricer{opts: o}
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("countCalls",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				u, ok := ctx.Value(callsKey{}).(*Usage)
				if !ok {
					return next.HandleInitialize(ctx, in)
				}
				u.add(func(u *Usage) { u.Calls++ })
				askCapacity(in.Parameters)
				tx, priced := in.Parameters.(*dynamodb.TransactWriteItemsInput)
				var acts []txAction
				var before []map[string]types.AttributeValue
				if priced {
					began := time.Now()
					acts = txActions(tx)
					before = pricer.items(ctx, acts)
					u.add(func(u *Usage) { u.Pricing += time.Since(began) })
				}
				out, md, err := next.HandleInitialize(ctx, in)
				if err == nil {
					read, write := consumed(out.Result)
					if priced {
						began := time.Now()
						write = txWriteUnits(acts, before, pricer.items(ctx, acts))
						u.add(func(u *Usage) { u.Pricing += time.Since(began) })
					}
					u.add(func(u *Usage) { u.ReadUnits += read; u.WriteUnits += write })
				}
				return out, md, err
			}), middleware.After); err != nil {
			return err
		}
		// Deserialize wraps the HTTP exchange (retries included), after
		// serialization and signing: the time DynamoDB Local itself took.
		return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("timeCalls",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				u, ok := ctx.Value(callsKey{}).(*Usage)
				if !ok {
					return next.HandleDeserialize(ctx, in)
				}
				began := time.Now()
				out, md, err := next.HandleDeserialize(ctx, in)
				took := time.Since(began)
				u.add(func(u *Usage) { u.Wire += took })
				return out, md, err
			}), middleware.Before)
	})
}

// askCapacity sets ReturnConsumedCapacity on every operation that takes it,
// unless the caller asked for more.
func askCapacity(params any) {
	const total = types.ReturnConsumedCapacityTotal
	set := func(v *types.ReturnConsumedCapacity) {
		if *v == "" || *v == types.ReturnConsumedCapacityNone {
			*v = total
		}
	}
	switch p := params.(type) {
	case *dynamodb.GetItemInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.PutItemInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.UpdateItemInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.DeleteItemInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.QueryInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.ScanInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.BatchGetItemInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.BatchWriteItemInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.TransactGetItemsInput:
		set(&p.ReturnConsumedCapacity)
	case *dynamodb.TransactWriteItemsInput:
		set(&p.ReturnConsumedCapacity)
	}
}

// consumed sums an answer's consumed capacity into read and write units by the
// kind of operation: reads consume read units, writes write units (only
// answered calls are counted: a failed condition is an error here).
func consumed(result any) (read, write float64) {
	sum := func(cs ...types.ConsumedCapacity) (n float64) {
		for _, c := range cs {
			if c.CapacityUnits != nil {
				n += *c.CapacityUnits
			}
		}
		return n
	}
	one := func(c *types.ConsumedCapacity) float64 {
		if c == nil {
			return 0
		}
		return sum(*c)
	}
	switch r := result.(type) {
	case *dynamodb.GetItemOutput:
		return one(r.ConsumedCapacity), 0
	case *dynamodb.QueryOutput:
		return one(r.ConsumedCapacity), 0
	case *dynamodb.ScanOutput:
		return one(r.ConsumedCapacity), 0
	case *dynamodb.BatchGetItemOutput:
		return sum(r.ConsumedCapacity...), 0
	case *dynamodb.TransactGetItemsOutput:
		return sum(r.ConsumedCapacity...), 0
	case *dynamodb.PutItemOutput:
		return 0, one(r.ConsumedCapacity)
	case *dynamodb.UpdateItemOutput:
		return 0, one(r.ConsumedCapacity)
	case *dynamodb.DeleteItemOutput:
		return 0, one(r.ConsumedCapacity)
	case *dynamodb.BatchWriteItemOutput:
		return 0, sum(r.ConsumedCapacity...)
	case *dynamodb.TransactWriteItemsOutput:
		return 0, sum(r.ConsumedCapacity...)
	}
	return 0, 0
}

// WithUsage returns a context whose DynamoDB calls are counted into a new Usage.
func WithUsage(ctx context.Context) (context.Context, *Usage) {
	u := new(Usage)
	return context.WithValue(ctx, callsKey{}, u), u
}
