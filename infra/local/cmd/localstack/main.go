// Command localstack runs the platform on this machine.
//
//	localstack dev             the platform on :3000 with the emulators on fixed
//	                           ports, seeded; Ctrl-C stops everything
//	localstack run -- CMD...   the emulators on free ports for CMD (the tests),
//	                           stopped when CMD ends, however it ends
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/kartamieszkanca/platform/infra/local/gateway"
	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/routes"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "localstack:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	if len(args) == 0 {
		return errors.New("usage: localstack dev, or localstack run -- CMD [ARGS]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "dev":
		return dev(ctx, getenv)
	case "run":
		if len(args) < 3 || args[1] != "--" {
			return errors.New("usage: localstack run -- CMD [ARGS]")
		}
		return runCmd(ctx, args[2:])
	}
	return fmt.Errorf("unknown command %q", args[0])
}

func runCmd(ctx context.Context, argv []string) error {
	dir, err := os.MkdirTemp("", "karta-stack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := stack.Start(ctx, stack.Ports{}, dir)
	if err != nil {
		return err
	}
	defer st.Stop()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), st.Env()...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	return cmd.Run()
}

func dev(ctx context.Context, getenv func(string) string) error {
	root, err := stack.Root()
	if err != nil {
		return err
	}
	// Each start is fresh: DynamoDB Local runs in memory, so the pool starts
	// anew too and the two never disagree.
	state := filepath.Join(root, ".local", "dev")
	_ = os.RemoveAll(state)
	ports, err := devPorts(getenv)
	if err != nil {
		return err
	}
	st, err := stack.Start(ctx, ports, state)
	if err != nil {
		return err
	}
	defer st.Stop()
	st.Setenv()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	res, err := stack.Provision(ctx, awsCfg, st.Endpoints, "karta", "karta-local", "karta-files")
	if err != nil {
		return err
	}
	os.Setenv("TABLE_NAME", res.Table)
	os.Setenv("USER_POOL_ID", res.PoolID)
	os.Setenv("USER_POOL_CLIENT_ID", res.ClientID)
	os.Setenv("FILES_BUCKET", res.Bucket)
	if os.Getenv("QR_SIGNING_KEY") == "" {
		// No KMS locally: a fresh P-256 key per start signs QR tokens.
		os.Setenv("QR_SIGNING_KEY", qrtoken.NewLocalKey())
	}
	if os.Getenv("STAGE") == "" {
		os.Setenv("STAGE", config.Local)
	}
	cfg, err := config.Load(os.Getenv, routes.Everything)
	if err != nil {
		return err
	}
	// The platform's clients take the functions' own path: AWS settings and
	// endpoints from the environment.
	platformAWS, err := platform.AWSFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	d := platform.New(cfg, platformAWS)
	d.Options = append(d.Options, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	// Answers carry X-Local-Dynamodb-Calls, as under the tests' gateway.
	d.Options = append(d.Options, gateway.CountCalls)
	staffPassword := getenv("LOCAL_STAFF_PASSWORD")
	if staffPassword == "" {
		staffPassword = "LocalPassword-2026"
	}
	if err := stack.Seed(ctx, d, staffPassword); err != nil {
		return err
	}
	gw, err := gateway.New(ctx, d, res.Issuer, res.ClientID)
	if err != nil {
		return err
	}
	gw.Portal = gateway.Portal()
	gw.Docs = gateway.Docs(filepath.Join(root, ".local", "emulators", "node_modules", "swagger-ui-dist"), filepath.Join(root, "openapi.yaml"))
	addr := getenv("LOCAL_API_ADDR")
	if addr == "" {
		addr = "127.0.0.1:3000"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	for _, p := range gateway.Pollers(dynamodbstreams.NewFromConfig(awsCfg), res.Table, d, nil) {
		go func() { _ = p.Run(ctx) }()
	}

	fmt.Printf(`
Karta Mieszkańca — local stack is up

  API              http://%s  (try: curl http://%s/health)
  API reference    http://%s/docs/
  Mail inbox       %s  (JSON: %s/store)
  Portal links     %s
  DynamoDB Local   %s  table %s
  cognito-local    %s  pool %s, client %s
  S3               %s  bucket %s

  Staff accounts (password %q):
    operator@example.com   (operators)
    partner@example.com    (partners)
    inspector@example.com  (inspectors)

Ctrl-C stops everything.
`, addr, addr, addr, st.SES, st.SES, cfg.PortalURL, st.DynamoDB, res.Table, st.Cognito, res.PoolID, res.ClientID, st.S3, res.Bucket, staffPassword)
	<-ctx.Done()
	fmt.Println("\nstopping…")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	return nil
}

// devPorts are stack.DevPorts, each overridable from the environment
// (LOCAL_DYNAMODB_PORT, LOCAL_COGNITO_PORT, LOCAL_SES_PORT, LOCAL_S3_PORT) for
// a machine where one is taken.
func devPorts(getenv func(string) string) (stack.Ports, error) {
	p := stack.DevPorts
	for name, port := range map[string]*int{"LOCAL_DYNAMODB_PORT": &p.DynamoDB, "LOCAL_COGNITO_PORT": &p.Cognito,
		"LOCAL_SES_PORT": &p.SES, "LOCAL_S3_PORT": &p.S3} {
		v := getenv(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return p, fmt.Errorf("%s=%q is not a port", name, v)
		}
		*port = n
	}
	return p, nil
}
