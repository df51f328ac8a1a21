package gateway

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

type callsKey struct{}

// CallsHeader carries, in local answers, the DynamoDB round trips the request
// made: the tests and the benchmarks read their budgets from it.
const CallsHeader = "X-Local-Dynamodb-Calls"

// CountCalls is a DynamoDB client option that counts each operation against the
// counter of the request's context.
func CountCalls(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("countCalls",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if n, ok := ctx.Value(callsKey{}).(*atomic.Int64); ok {
					n.Add(1)
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
}

func withCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, callsKey{}, n), n
}
