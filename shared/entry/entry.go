// Package entry starts a function: it loads the configuration and the clients
// once, outside the handler, and hands the handler to the Lambda runtime.
// functions/*/main.go call it and do nothing else.
package entry

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// HTTPFactory builds a route's handler from the function's dependencies.
type HTTPFactory func(*platform.Deps) httpapi.Handler

// StreamFactory builds a stream consumer's handler.
type StreamFactory func(*platform.Deps) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Adapter wraps a route's handler for API Gateway events.
func Adapter(d *platform.Deps, name string, f HTTPFactory) (*httpapi.Adapter, error) {
	route, ok := routes.ByFunction(name)
	if !ok {
		return nil, fmt.Errorf("entry: no route for function %q", name)
	}
	return &httpapi.Adapter{Route: route, Handler: f(d), Table: store.Of(d), Log: d.Log}, nil
}

// HTTP starts the function serving route name.
func HTTP(name string, f HTTPFactory) {
	d := load(name)
	a, err := Adapter(d, name, f)
	if err != nil {
		fail(err)
	}
	lambda.StartWithOptions(a.Serve, lambda.WithEnableSIGTERM())
}

// JobFactory builds a scheduled job's handler: its input is the schedule's
// (or the local trigger's) JSON, its answer a summary of the run.
type JobFactory func(*platform.Deps) func(context.Context, json.RawMessage) (any, error)

// Scheduled starts the scheduled job name.
func Scheduled(name string, f JobFactory) {
	lambda.StartWithOptions(f(load(name)), lambda.WithEnableSIGTERM())
}

// Stream starts the stream consumer name.
func Stream(name string, f StreamFactory) {
	lambda.StartWithOptions(f(load(name)), lambda.WithEnableSIGTERM())
}

// load fails the start of a function whose configuration lacks what its
// route or job needs.
func load(name string) *platform.Deps {
	needs, ok := routes.NeedsOf(name)
	if !ok {
		fail(fmt.Errorf("entry: no route or job for function %q", name))
	}
	d, err := platform.Load(context.Background(), os.Getenv, needs)
	if err != nil {
		fail(err)
	}
	return d
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "{\"level\":\"ERROR\",\"msg\":\"init failed\",\"error\":%q}\n", err.Error())
	os.Exit(1)
}
