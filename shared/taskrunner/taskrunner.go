// Package taskrunner is the task-runner function: every task kind's handler
// (package task), so that only this function links what the tasks call.
package taskrunner

import (
	"context"
	"maps"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/erasure"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// Runner is the runner with every kind's handler.
func Runner(d *platform.Deps) *task.Runner {
	handlers := map[string]task.Handler{}
	maps.Copy(handlers, identity.Of(d).Tasks())
	maps.Copy(handlers, upload.Tasks(d))
	maps.Copy(handlers, erasure.Tasks(d))
	maps.Copy(handlers, card.Tasks(d))
	return &task.Runner{Table: store.Of(d), Handlers: handlers, Log: d.Log}
}

// StreamHandler is the task-runner function's handler.
func StreamHandler(d *platform.Deps) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	return Runner(d).HandleStream
}
