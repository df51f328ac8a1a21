package testenv

import (
	"context"
	"sync"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// faults are armed failures of SDK operations, for the faults the emulators
// cannot produce (an outage between two steps of a change). They act in the
// platform's own clients, before a call leaves the process.
var faults = struct {
	mu   sync.Mutex
	next map[string]int
}{next: map[string]int{}}

// FailNext makes the platform's next n calls of an operation (by its API
// name, e.g. "AdminSetUserPassword", "TransactWriteItems") fail as a throttled
// service would, after the SDK's own retries.
func (e *Env) FailNext(operation string, n int) {
	faults.mu.Lock()
	defer faults.mu.Unlock()
	faults.next[operation] += n
}

func takeFault(operation string) bool {
	faults.mu.Lock()
	defer faults.mu.Unlock()
	if faults.next[operation] == 0 {
		return false
	}
	faults.next[operation]--
	return true
}

// injectFaults is the middleware that fails armed operations. It runs before
// the retry step, so one armed failure is one failed call to the platform.
func injectFaults(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("testenv-faults",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if takeFault(middleware.GetOperationName(ctx)) {
				return middleware.InitializeOutput{}, middleware.Metadata{},
					&smithy.GenericAPIError{Code: "ThrottlingException", Message: "injected by testenv"}
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// faultOptions are the platform clients' options that carry injectFaults.
var faultOptions = []any{
	func(o *cip.Options) { o.APIOptions = append(o.APIOptions, injectFaults) },
	func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, injectFaults) },
}
