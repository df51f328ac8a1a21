// Command invoke runs one function's handler with an event from a file on the
// local stack and prints its answer as JSON, as Lambda returns it.
//
//	go run ./infra/local/cmd/invoke FUNCTION EVENT.json
//
// `make invoke FN=… EVENT=…` runs it inside `localstack run`; run alone, it
// starts the emulators itself. The handler is the one shared/catalog names
// (HTTP functions get an API Gateway v2 event, stream consumers a DynamoDB
// stream event) and runs in this process with the function's own
// configuration loader, on a fresh table, user pool and bucket seeded like the
// tests' (dictionaries, staff accounts with password LocalPassword-2026).
//
// The fresh table holds nothing an event may refer to, so the command seeds it:
//
//   - an HTTP event for a route that takes a token, with JWT claims: an active
//     account for the claims' sub, a resident household head with a profile
//     (use "me" as {profileId}), or a staff account when cognito:groups names a
//     staff group. The account is in the table only, not in the user pool:
//     routes that ask Cognito about the caller (change-password, logout) answer
//     as they do for an unknown user, and ids the table does not hold answer 404.
//   - a stream event: the outbox items its INSERT records name, as pending
//     mail to resident@example.com, which the mail sender then sends to the SES
//     emulator.
//
// The answer goes to stdout; logs, what was seeded and the DynamoDB round
// trips of the invocation go to stderr.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/aws/aws-lambda-go/events"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/shared/catalog"
	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// staffPassword is the seeded staff accounts' password, as in `make dev`.
const staffPassword = "LocalPassword-2026"

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: invoke FUNCTION EVENT.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func run(fn, eventFile string) error {
	httpFactory, isHTTP := catalog.HTTP[fn]
	streamFactory, isStream := catalog.Streams[fn]
	jobFactory, isJob := catalog.Jobs[fn]
	if !isHTTP && !isStream && !isJob {
		return fmt.Errorf("no function %q in shared/catalog; there are: %s", fn, strings.Join(functionNames(), ", "))
	}
	raw, err := os.ReadFile(eventFile)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	d, calls, done, err := start(ctx)
	if err != nil {
		return err
	}
	defer done()

	var answer any
	switch {
	case isJob:
		if err := seedDue(ctx, d, raw); err != nil {
			return err
		}
		calls.Store(0)
		sum, err := jobFactory(d)(ctx, raw)
		if err != nil {
			return fmt.Errorf("the job failed: %w", err)
		}
		answer = sum
	case isHTTP:
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("%s is not an API Gateway v2 event: %w", eventFile, err)
		}
		a, err := entry.Adapter(d, fn, httpFactory)
		if err != nil {
			return err
		}
		if ev.RouteKey != a.Route.Key() {
			note("the event's routeKey is %q; %s serves %q", ev.RouteKey, fn, a.Route.Key())
		}
		if err := seedCaller(ctx, d, a.Route, ev); err != nil {
			return err
		}
		calls.Store(0)
		answer, _ = a.Serve(ctx, ev)
	default:
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return fmt.Errorf("%s is not a DynamoDB stream event: %w", eventFile, err)
		}
		if err := seedOutbox(ctx, d, ev); err != nil {
			return err
		}
		calls.Store(0)
		resp, err := streamFactory(d)(ctx, ev)
		if err != nil {
			return fmt.Errorf("the handler failed: %w", err)
		}
		answer = resp
		reportMail(ctx)
	}
	note("DynamoDB round trips: %d", calls.Load())
	out, err := json.MarshalIndent(answer, "", "  ")
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// start provisions a fresh table, pool and bucket on the emulators (started
// here when the environment names none), seeds them, and builds the function's
// dependencies with a counter of DynamoDB calls.
func start(ctx context.Context) (*platform.Deps, *atomic.Int64, func(), error) {
	done := func() {}
	ends, ok := stack.FromEnv()
	if !ok {
		dir, err := os.MkdirTemp("", "karta-stack-")
		if err != nil {
			return nil, nil, nil, err
		}
		note("starting the emulators (run through `make invoke` to reuse its stack)")
		st, err := stack.Start(ctx, stack.Ports{}, dir)
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, nil, err
		}
		ends = st.Endpoints
		ends.Setenv()
		done = func() { st.Stop(); os.RemoveAll(dir) }
	}
	fail := func(err error) (*platform.Deps, *atomic.Int64, func(), error) { done(); return nil, nil, nil, err }
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return fail(err)
	}
	name := "karta-invoke-" + randomHex(4)
	res, err := stack.Provision(ctx, awsCfg, ends, name, name, name)
	if err != nil {
		return fail(err)
	}
	// The function's own loader, with what provisioning made; everything else
	// comes from the environment as in AWS.
	local := map[string]string{"TABLE_NAME": res.Table, "USER_POOL_ID": res.PoolID, "USER_POOL_CLIENT_ID": res.ClientID,
		"FILES_BUCKET": res.Bucket, "STAGE": config.Local}
	if os.Getenv("QR_SIGNING_KEY") == "" && os.Getenv("SIGNING_KEY_ID") == "" {
		// No KMS locally: a fresh key signs QR tokens, as in `make dev`.
		local["QR_SIGNING_KEY"] = qrtoken.NewLocalKey()
	}
	cfg, err := config.Load(func(k string) string {
		if v, ok := local[k]; ok {
			return v
		}
		return os.Getenv(k)
	}, routes.Everything)
	if err != nil {
		return fail(err)
	}
	// The platform's clients take the functions' own path: AWS settings and
	// endpoints from the environment.
	platformAWS, err := platform.AWSFromEnv(os.Getenv)
	if err != nil {
		return fail(err)
	}
	d := platform.New(cfg, platformAWS)
	d.Log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel(cfg.LogLevel)}))
	calls := new(atomic.Int64)
	d.Options = append(d.Options, countCalls(calls))
	// cognito-local answers 500 for the calls it lacks (global sign-out): no retries.
	d.Options = append(d.Options, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	if err := stack.Seed(ctx, d, staffPassword); err != nil {
		return fail(err)
	}
	return d, calls, done, nil
}

// countCalls counts every DynamoDB operation of the process.
func countCalls(n *atomic.Int64) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("invokeCountCalls",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					n.Add(1)
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	}
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

func functionNames() []string {
	var names []string
	for n := range catalog.HTTP {
		names = append(names, n)
	}
	for n := range catalog.Streams {
		names = append(names, n)
	}
	for n := range catalog.Jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func note(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "invoke: "+format+"\n", args...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
