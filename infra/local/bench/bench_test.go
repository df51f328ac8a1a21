package bench_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/health"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
)

func sample(b *testing.B, name string) []byte {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "events", name))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkDecodeHTTPEvent is the runtime's decoding of an authenticated
// request's event, paid on every invocation before the handler runs.
func BenchmarkDecodeHTTPEvent(b *testing.B) {
	raw := sample(b, "get-account.json")
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeHealth is one whole invocation of the lightest route in
// process: decode the event, serve it through the adapter (with its request
// log line formatted), encode the answer.
func BenchmarkServeHealth(b *testing.B) {
	raw := sample(b, "health.json")
	d := platform.New(config.Config{TableName: "karta-bench", LogLevel: "info"}, aws.Config{Region: "eu-central-1"})
	d.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	a, err := entry.Adapter(d, "health", health.Get)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			b.Fatal(err)
		}
		out, _ := a.Serve(ctx, ev)
		if out.StatusCode != 200 {
			b.Fatalf("status %d", out.StatusCode)
		}
		if _, err := json.Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDeps is the part of every function's init that is the
// platform's own: reading and checking the configuration and the AWS SDK's
// default configuration (no clients are built until used).
func BenchmarkLoadDeps(b *testing.B) {
	dir := b.TempDir()
	for k, v := range map[string]string{
		"STAGE": "bench", "TABLE_NAME": "karta-bench", "USER_POOL_ID": "eu-central-1_Bench0000", "USER_POOL_CLIENT_ID": "benchclient",
		"PORTAL_URL": "https://karta.example/portal", "DECISION_SERVICE_DAYS": "14", "AWS_REGION": "eu-central-1",
		"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		b.Setenv(k, v)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := platform.Load(ctx, os.Getenv, routes.Needs{Table: routes.WriteTable, Identity: true}); err != nil {
			b.Fatal(err)
		}
	}
}
