// Command baseline is the baseline of the init-time budget: a Go Lambda that
// builds only the DynamoDB client from the environment, as every function of
// the platform does (platform.AWSFromEnv), with the functions' flags. Its init
// is the least any function here can pay; the bench compares each function's
// with it.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/kartamieszkanca/platform/shared/platform"
)

func main() {
	cfg, err := platform.AWSFromEnv(os.Getenv)
	if err != nil {
		panic(err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
			o.BaseEndpoint = &v
		}
	})
	lambda.Start(func(context.Context, map[string]any) (string, error) {
		_ = db
		return "ok", nil
	})
}
