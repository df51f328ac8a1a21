// Command hello is the baseline of the init-time budget: the smallest Go Lambda,
// built with the functions' flags, so its init is what the runtime itself costs.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, map[string]any) (string, error) { return "hello", nil })
}
