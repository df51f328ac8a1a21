// Package stack runs the local stack: DynamoDB Local, cognito-local and the SES
// emulator as child processes, and an S3 server in process. The emulators are
// installed by `make deps` into .local/ (pinned versions); nothing is
// downloaded at run time.
package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Ports of the emulators; zero picks free ports.
type Ports struct {
	DynamoDB, Cognito, SES, S3 int
}

// DevPorts are the ports of `make dev` (API.md: the inbox on 8005).
var DevPorts = Ports{DynamoDB: 8000, Cognito: 9229, SES: 8005, S3: 9000}

// Endpoints are the emulators' base URLs.
type Endpoints struct {
	DynamoDB, Cognito, SES, S3 string
}

// Stack is a running local stack.
type Stack struct {
	Endpoints
	procs []*exec.Cmd
	s3    *http.Server
	dir   string
}

// Root finds the repository root (the folder with go.mod and .local/).
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "infra", "local", "emulators", "package.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("stack: repository root not found")
		}
		dir = parent
	}
}

// Start starts the emulators and waits until each answers. stateDir holds
// their state and logs.
func Start(ctx context.Context, ports Ports, stateDir string) (*Stack, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	local := filepath.Join(root, ".local")
	jar := filepath.Join(local, "dynamodb", "DynamoDBLocal.jar")
	nodeModules := filepath.Join(local, "emulators", "node_modules")
	for _, p := range []string{jar, nodeModules} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("stack: %s is missing: run `make deps` first", p)
		}
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	for _, p := range []*int{&ports.DynamoDB, &ports.Cognito, &ports.SES, &ports.S3} {
		if *p == 0 {
			if *p, err = FreePort(); err != nil {
				return nil, err
			}
		}
	}
	s := &Stack{dir: stateDir, Endpoints: Endpoints{
		DynamoDB: fmt.Sprintf("http://127.0.0.1:%d", ports.DynamoDB),
		Cognito:  fmt.Sprintf("http://127.0.0.1:%d", ports.Cognito),
		SES:      fmt.Sprintf("http://127.0.0.1:%d", ports.SES),
		S3:       fmt.Sprintf("http://127.0.0.1:%d", ports.S3),
	}}
	fail := func(err error) (*Stack, error) { s.Stop(); return nil, err }

	if err := s.spawn("dynamodb", filepath.Dir(jar), []string{"DDB_LOCAL_TELEMETRY=0"}, "java",
		"-Djava.library.path="+filepath.Join(filepath.Dir(jar), "DynamoDBLocal_lib"), "-Xmx512m",
		"-jar", jar, "-inMemory", "-sharedDb", "-disableTelemetry", "-port", fmt.Sprint(ports.DynamoDB)); err != nil {
		return fail(err)
	}
	cognitoDir := filepath.Join(stateDir, "cognito")
	if err := os.MkdirAll(cognitoDir, 0o755); err != nil {
		return fail(err)
	}
	if err := s.spawn("cognito", cognitoDir, []string{"HOST=127.0.0.1", fmt.Sprintf("PORT=%d", ports.Cognito)}, "node",
		filepath.Join(nodeModules, "cognito-local", "lib", "bin", "start.js")); err != nil {
		return fail(err)
	}
	if err := s.spawn("ses", stateDir, nil, "node", filepath.Join(nodeModules, "aws-ses-v2-local", "dist", "cli.js"),
		"--host", "127.0.0.1", "--port", fmt.Sprint(ports.SES)); err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", ports.S3))
	if err != nil {
		return fail(err)
	}
	s.s3 = &http.Server{Handler: gofakes3.New(s3mem.New()).Server(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.s3.Serve(ln) }()

	for name, url := range map[string]string{"dynamodb": s.DynamoDB, "cognito": s.Cognito + "/health", "ses": s.SES + "/store"} {
		if err := waitHTTP(ctx, url, 60*time.Second); err != nil {
			return fail(fmt.Errorf("stack: %s did not start (log: %s): %w", name, filepath.Join(stateDir, name+".log"), err))
		}
	}
	return s, nil
}

// spawn starts a child process in its own process group, logging to a file.
func (s *Stack) spawn(name, dir string, env []string, bin string, args ...string) error {
	logf, err := os.Create(filepath.Join(s.dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group: Stop ends the emulator and anything it started, and a
	// Ctrl-C in the terminal reaches only the parent, which stops them in order.
	// Pdeathsig ends them if the parent dies without stopping them.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("stack: start %s: %w", name, err)
	}
	s.procs = append(s.procs, cmd)
	return nil
}

// Stop ends every process the stack started.
func (s *Stack) Stop() {
	if s.s3 != nil {
		_ = s.s3.Close()
	}
	for _, p := range s.procs {
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
	}
	for _, p := range s.procs {
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	s.procs = nil
}

// Env is the environment that points the AWS SDK at the emulators.
func (e Endpoints) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + e.DynamoDB,
		"AWS_ENDPOINT_URL_DYNAMODB_STREAMS=" + e.DynamoDB,
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=" + e.Cognito,
		"AWS_ENDPOINT_URL_SESV2=" + e.SES,
		"AWS_ENDPOINT_URL_S3=" + e.S3,
		"AWS_ACCESS_KEY_ID=local",
		"AWS_SECRET_ACCESS_KEY=local",
		"AWS_REGION=eu-central-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"LOCAL_SES_URL=" + e.SES,
	}
}

// FromEnv reads endpoints set by Env; ok is false when they are not set.
func FromEnv() (Endpoints, bool) {
	e := Endpoints{
		DynamoDB: os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"),
		Cognito:  os.Getenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"),
		SES:      os.Getenv("LOCAL_SES_URL"),
		S3:       os.Getenv("AWS_ENDPOINT_URL_S3"),
	}
	return e, e.DynamoDB != "" && e.Cognito != "" && e.SES != "" && e.S3 != ""
}

// Setenv exports Env into this process.
func (e Endpoints) Setenv() {
	for _, kv := range e.Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
}

// FreePort is a TCP port free on the loopback interface now.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitHTTP waits until url answers anything over HTTP.
func waitHTTP(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		res, err := c.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
