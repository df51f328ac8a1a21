// Package testenv gives integration tests the platform on the local stack: a
// fresh table and user pool per test binary on the emulators that `make test`
// started (or that it starts itself), the local gateway over HTTP, and the
// stream feeding the mail sender. Tests use the real SDK clients throughout.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/kartamieszkanca/platform/infra/local/gateway"
	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/store"
)

// StaffPassword is the seeded staff accounts' password in tests.
const StaffPassword = "LocalPassword-2026"

// PortalURL is the portal address mail links point to in tests.
const PortalURL = "http://portal.test"

// UnpolledOutbox starts the ids of outbox items the environment's stream leaves
// to the test that wrote them.
const UnpolledOutbox = store.OutboxPrefix + "unpolled#"

// UnpolledTask is the same for task items.
const UnpolledTask = store.TaskPrefix + "unpolled#"

// Env is the running platform.
type Env struct {
	Deps *platform.Deps
	// AWS is the SDK's own configuration for the tests' clients (it honours
	// the endpoints in the environment).
	AWS       aws.Config
	URL       string
	SES       string
	Resources stack.Resources
}

var env *Env

// Get returns the environment started by Main.
func Get(t testing.TB) *Env {
	t.Helper()
	if env == nil {
		t.Fatal("testenv: call testenv.Main from TestMain")
	}
	return env
}

// Main starts the environment, runs the tests and stops it, however they end.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, stop, err := Start(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer stop()
	env = e
	return m.Run()
}

// Start provisions a fresh table and pool on the emulators (starting them when
// the environment names none) and serves the platform; stop undoes it.
func Start(ctx context.Context) (*Env, func(), error) {
	stopAll := func() {}
	ends, ok := stack.FromEnv()
	if !ok {
		dir, err := os.MkdirTemp("", "karta-stack-")
		if err != nil {
			return nil, nil, err
		}
		st, err := stack.Start(ctx, stack.Ports{}, dir)
		if err != nil {
			return nil, nil, err
		}
		ends = st.Endpoints
		ends.Setenv()
		stopAll = func() { st.Stop(); os.RemoveAll(dir) }
	}
	fail := func(err error) (*Env, func(), error) { stopAll(); return nil, nil, err }
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return fail(err)
	}
	suffix := randomHex(6)
	res, err := stack.Provision(ctx, awsCfg, ends, "karta-test-"+suffix, "karta-test-"+suffix, "karta-test-"+suffix)
	if err != nil {
		return fail(err)
	}
	cfg := config.Config{Stage: "test", TableName: res.Table, UserPoolID: res.PoolID, UserPoolClientID: res.ClientID,
		FilesBucket: res.Bucket, MailFrom: "Karta Mieszkańca <no-reply@karta.example>", PortalURL: PortalURL, LogLevel: "error",
		QRSigningKey: qrtoken.NewLocalKey()}
	// The platform's clients take the functions' own path: AWS settings and
	// endpoints from the environment.
	platformAWS, err := platform.AWSFromEnv(os.Getenv)
	if err != nil {
		return fail(err)
	}
	d := platform.New(cfg, platformAWS)
	var out io.Writer = &logs
	if os.Getenv("KARTA_TEST_LOG") != "" {
		out = io.MultiWriter(&logs, os.Stderr)
	}
	d.Log = slog.New(slog.NewJSONHandler(out, nil))
	d.Options = append(d.Options, gateway.CountCalls)
	d.Options = append(d.Options, faultOptions...)
	// cognito-local answers 500 for the calls it lacks (global sign-out): no retries.
	d.Options = append(d.Options, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	if err := stack.Seed(ctx, d, StaffPassword); err != nil {
		return fail(err)
	}
	gw, err := gateway.New(ctx, d, res.Issuer, res.ClientID)
	if err != nil {
		return fail(err)
	}
	gw.Portal = gateway.Portal()
	srv := httptest.NewServer(gw)
	pctx, stopPoller := context.WithCancel(ctx)
	pollers := gateway.Pollers(dynamodbstreams.NewFromConfig(awsCfg), res.Table, d,
		func(pk string) bool {
			return strings.HasPrefix(pk, UnpolledOutbox) || strings.HasPrefix(pk, UnpolledTask)
		})
	var wg sync.WaitGroup
	for _, p := range pollers {
		wg.Go(func() { _ = p.Run(pctx) })
	}
	return &Env{Deps: d, AWS: awsCfg, URL: srv.URL, SES: ends.SES, Resources: res}, func() {
		stopPoller()
		wg.Wait()
		srv.Close()
		stopAll()
	}, nil
}

// logs keeps the platform's log records (JSON lines) for tests to read.
var logs lockedBuffer

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Logs returns the platform's log records so far, one JSON object a line.
func (e *Env) Logs() []string {
	logs.mu.Lock()
	defer logs.mu.Unlock()
	return strings.Split(strings.TrimSpace(logs.buf.String()), "\n")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Client is the HTTP client of the tests. Each of its connections comes from
// an address of its own in 127.0.0.0/8 (all loopback on Linux), so the
// per-source-IP limits (API.md "Limits") see the tests as many clients;
// CallFrom sends from one chosen address.
var Client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
	DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		return dialFrom(ctx, network, addr, net.IPv4(127, 100|b[0]&0x7f, b[1], b[2]|1))
	}}}

func dialFrom(ctx context.Context, network, addr string, ip net.IP) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}
	return d.DialContext(ctx, network, addr)
}

// ClientFrom is an HTTP client whose requests come from one source address.
func ClientFrom(ip string) *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialFrom(ctx, network, addr, net.ParseIP(ip))
		}}}
}
