package testenv

import (
	"context"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/kartamieszkanca/platform/shared/upload"
)

// faults are armed failures of SDK operations, for the faults the emulators
// cannot produce (an outage between two steps of a change). They act in the
// platform's own clients, before a call leaves the process.
var faults = struct {
	mu       sync.Mutex
	next     map[string]int
	attempts map[string]int
}{next: map[string]int{}, attempts: map[string]int{}}

// FailAttempts makes the next n attempts of an operation fail as throttled,
// inside the SDK's retries: up to the SDK's attempts less one, the call
// still succeeds.
func (e *Env) FailAttempts(operation string, n int) {
	faults.mu.Lock()
	defer faults.mu.Unlock()
	faults.attempts[operation] += n
}

func takeAttempt(operation string) bool {
	faults.mu.Lock()
	defer faults.mu.Unlock()
	if faults.attempts[operation] == 0 {
		return false
	}
	faults.attempts[operation]--
	return true
}

// throttled is the error a throttled service answers: S3's SlowDown, the
// others' ThrottlingException.
func throttled(ctx context.Context) error {
	code := "ThrottlingException"
	if awsmiddleware.GetServiceID(ctx) == "S3" {
		code = "SlowDown"
	}
	return &smithy.GenericAPIError{Code: code, Message: "injected by testenv"}
}

// FailNext makes the platform's next n calls of an operation (by its API
// name, e.g. "AdminSetUserPassword", "TransactWriteItems") fail as a throttled
// service would, after the SDK's own retries.
func (e *Env) FailNext(operation string, n int) {
	faults.mu.Lock()
	defer faults.mu.Unlock()
	faults.next[operation] += n
}

// Armed is how many armed failures of an operation (FailNext and
// FailAttempts) are still to happen: 0 once the platform met them all.
func (e *Env) Armed(operation string) int {
	faults.mu.Lock()
	defer faults.mu.Unlock()
	return faults.next[operation] + faults.attempts[operation]
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
	if err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("testenv-faults",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if takeFault(middleware.GetOperationName(ctx)) {
				return middleware.InitializeOutput{}, middleware.Metadata{}, throttled(ctx)
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before); err != nil {
		return err
	}
	// After the retry step: one armed attempt is one attempt the SDK retries.
	return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("testenv-attempt-faults",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if takeAttempt(middleware.GetOperationName(ctx)) {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, throttled(ctx)
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// faultOptions are the platform clients' options that carry injectFaults.
var faultOptions = []any{
	func(o *cip.Options) { o.APIOptions = append(o.APIOptions, injectFaults) },
	func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, injectFaults) },
	func(o *s3.Options) { o.APIOptions = append(o.APIOptions, injectFaults) },
	// The S3 reads sent without the client (upload's HEAD and ranged GETs).
	func(o *upload.HTTPOptions) {
		o.Call = func(op string) error {
			if takeFault(op) {
				return upload.Throttled
			}
			return nil
		}
		o.Attempt = func(op string) error {
			if takeAttempt(op) {
				return upload.Throttled
			}
			return nil
		}
	},
}
