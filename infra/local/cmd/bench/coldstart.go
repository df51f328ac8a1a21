package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/stack"
)

// The runtime interface emulator, pinned; installed into .local/bin on first use
// (a tool, not a module dependency).
const (
	riePackage = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
	rieModule  = "github.com/aws/aws-lambda-runtime-interface-emulator"
	rieVersion = "v0.0.0-20261030222936-bef5c4ba774d"
)

// ensureRIE returns the emulator's path, installing the pinned version when the
// binary is missing or another version.
func ensureRIE(root string) (string, error) {
	bin := filepath.Join(root, ".local", "bin", "aws-lambda-rie")
	if out, err := exec.Command("go", "version", "-m", bin).Output(); err == nil &&
		strings.Contains(string(out), rieModule+"\t"+rieVersion) {
		return bin, nil
	}
	fmt.Fprintf(os.Stderr, "bench: installing %s@%s into .local/bin\n", riePackage, rieVersion)
	cmd := exec.Command("go", "install", riePackage+"@"+rieVersion)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOBIN="+filepath.Dir(bin))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("install the runtime interface emulator: %w\n%s", err, out)
	}
	return bin, nil
}

// functionEnv is what every function needs to initialize, with dummy values:
// config.Load validates it, and nothing here is reachable. New required
// settings belong here too, or the report shows the function's init failing.
func functionEnv(sink string) []string {
	return []string{
		"STAGE=bench",
		"TABLE_NAME=karta-bench",
		"USER_POOL_ID=eu-central-1_Bench0000",
		"USER_POOL_CLIENT_ID=benchclient0000000000000000",
		"FILES_BUCKET=karta-bench-files",
		"MAIL_FROM=Karta Mieszkańca <no-reply@karta.example>",
		"PORTAL_URL=https://karta.example/portal",
		"SIGNING_KEY_ID=arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-4000-8000-000000000000",
		"LOG_LEVEL=error",
		"AWS_REGION=eu-central-1",
		"AWS_DEFAULT_REGION=eu-central-1",
		"AWS_ACCESS_KEY_ID=bench",
		"AWS_SECRET_ACCESS_KEY=bench",
		"AWS_SESSION_TOKEN=bench",
		"AWS_EC2_METADATA_DISABLED=true",
		// Every AWS endpoint and any proxied request lands on the sink, which
		// counts connections: init must make none.
		"AWS_ENDPOINT_URL=" + sink,
		"HTTP_PROXY=" + sink,
		"HTTPS_PROXY=" + sink,
	}
}

// sink stands for every AWS endpoint: it counts connections, and answers
// every request with a client error that no SDK retries, so a function's
// first request ends at its first AWS call, quickly and the same way each
// time.
type sink struct {
	ln net.Listener
	mu sync.Mutex
	at []time.Time
}

func newSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{ln: ln}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.Header().Set("X-Amzn-ErrorType", "ValidationException")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"ValidationException","message":"bench sink"}`)
		}),
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.mu.Lock()
				s.at = append(s.at, time.Now())
				s.mu.Unlock()
			}
		},
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	return s, nil
}

func (s *sink) URL() string { return "http://" + s.ln.Addr().String() }

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.at)
}

// initRow is one binary's cold starts.
type initRow struct {
	Name    string
	Samples []float64 // ms, as INIT REPORT gives them
	Cold    []float64 // ms: init and the first request's REPORT duration
	Net     int       // connections made during init, over all starts
	Err     string
	Inits   []pkgInit // package initializations of one traced run
}

func (r initRow) Min() float64 {
	if len(r.Samples) == 0 {
		return 0
	}
	return slices.Min(r.Samples)
}

func (r initRow) Median() float64 { return medianOf(r.Samples) }

// ColdMedian is the median cold request: init plus the first request.
func (r initRow) ColdMedian() float64 { return medianOf(r.Cold) }

func medianOf(samples []float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	s := append([]float64(nil), samples...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

var (
	initReport = regexp.MustCompile(`INIT REPORT\(.*durationMs: ([0-9.]+)`)
	initDone   = regexp.MustCompile(`INIT RTDONE\(status: (\w+)`)
	// The invocation's report, in either of the emulator's formats.
	invokeReport = regexp.MustCompile(`(?:^|[^T] )REPORT(?: RequestId: \S+\t(?:Init Duration: [0-9.]+ ms\t)?Duration: ([0-9.]+) ms|\(status: \w+, durationMs: ([0-9.]+))`)
)

// coldStarter starts binaries under the emulator, one at a time so that the
// two cores are not shared between starts.
type coldStarter struct {
	rie  string
	dir  string // the emulator's working directory (its /var/task)
	sink *sink
}

// start runs one cold start of bin: the emulator starts, one invocation with
// the function's first request (event) makes it initialize the function and
// serve it. The emulator's INIT REPORT is the init duration (process start to
// the runtime's first call for work), and init plus the invocation's REPORT
// duration is the cold request. Connections to the sink before the INIT
// REPORT came from init.
func (c *coldStarter) start(ctx context.Context, name, bin string, event []byte) (initMs, coldMs float64, netConns int, err error) {
	before := c.sink.count()
	initMs, coldMs, netConns, err = c.run(ctx, name, bin, event, before)
	return initMs, coldMs, netConns, err
}

func (c *coldStarter) run(ctx context.Context, name, bin string, event []byte, before int) (initMs, coldMs float64, netConns int, err error) {
	fail := func(err error) (float64, float64, int, error) { return 0, 0, 0, err }
	apiPort, err := stack.FreePort()
	if err != nil {
		return fail(err)
	}
	riePort, err := stack.FreePort()
	if err != nil {
		return fail(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", riePort)
	// --log-level: the emulator would otherwise take LOG_LEVEL, the function's
	// setting, and drop the INIT REPORT line below error level.
	cmd := exec.Command(c.rie, "--log-level", "info", "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", fmt.Sprintf("127.0.0.1:%d", apiPort), bin)
	cmd.Dir = c.dir
	// A clean environment: only what a deployed function gets, nothing of the
	// local stack's endpoints.
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + c.dir,
		"AWS_CONFIG_FILE=" + filepath.Join(c.dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(c.dir, "aws-credentials"),
		"AWS_LAMBDA_FUNCTION_NAME=" + name}, functionEnv(c.sink.URL())...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	defer func() {
		// The emulator runs the function in a process group of its own, which
		// outlives the emulator: end it first.
		for _, pid := range children(cmd.Process.Pid) {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		pw.Close()
	}()

	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads any more
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	if err := waitListening(ctx, addr, 5*time.Second); err != nil {
		return fail(fmt.Errorf("emulator did not start: %w", err))
	}
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
			"http://"+addr+"/2015-03-31/functions/function/invocations", bytes.NewReader(event))
		if res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	var tail []string
	status := ""
	initMs = -1
	timeout := time.After(20 * time.Second)
	for {
		select {
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-timeout:
			return fail(fmt.Errorf("no INIT REPORT and REPORT within 20s: %s", strings.Join(tail, " | ")))
		case l := <-lines:
			if len(tail) == 10 {
				tail = tail[1:]
			}
			tail = append(tail, l)
			if m := initDone.FindStringSubmatch(l); m != nil {
				status = m[1]
			}
			if m := initReport.FindStringSubmatch(l); m != nil {
				if status != "success" {
					return fail(errors.New(initFailure(tail)))
				}
				netConns = c.sink.count() - before
				if initMs, err = strconv.ParseFloat(m[1], 64); err != nil {
					return fail(err)
				}
				continue
			}
			if m := invokeReport.FindStringSubmatch(l); m != nil && initMs >= 0 {
				d := m[1]
				if d == "" {
					d = m[2]
				}
				ms, err := strconv.ParseFloat(d, 64)
				if err != nil {
					return fail(err)
				}
				return initMs, initMs + ms, netConns, nil
			}
		}
	}
}

// initFailure picks the function's own init error from the log tail.
func initFailure(tail []string) string {
	for _, l := range tail {
		if strings.Contains(l, `"init failed"`) {
			return "init failed: " + l
		}
	}
	return "init failed: " + strings.Join(tail, " | ")
}

// coldStarts measures every binary n times, round-robin so that drift of the
// machine spreads over all of them, after one unmeasured warm-up round.
func coldStarts(ctx context.Context, c *coldStarter, bins []binary, n int) []initRow {
	rows := make([]initRow, len(bins))
	for i, b := range bins {
		rows[i].Name = b.Name
	}
	for round := 0; round <= n; round++ {
		for i, b := range bins {
			if rows[i].Err != "" {
				continue
			}
			// The warm-up round's payload ("[]") decodes into no event, so no
			// handler runs and its connections all come from init; the
			// measured rounds send the first request.
			event := b.Event
			if round == 0 {
				event = []byte("[]")
			}
			ms, cold, conns, err := c.start(ctx, b.Name, b.Path, event)
			if err != nil {
				rows[i].Err = err.Error()
				continue
			}
			if round == 0 {
				rows[i].Net = conns
			} else {
				rows[i].Samples = append(rows[i].Samples, ms)
				rows[i].Cold = append(rows[i].Cold, cold)
			}
		}
		fmt.Fprintf(os.Stderr, "bench: cold starts, round %d/%d done\n", round, n)
	}
	for i, b := range bins {
		if rows[i].Err == "" {
			rows[i].Inits, _ = c.initTrace(ctx, b.Path)
		}
	}
	return rows
}

// children lists a process's child processes.
func children(pid int) []int {
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	var out []int
	for _, t := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

func waitListening(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// pkgInit is one package's initialization in a GODEBUG=inittrace=1 trace.
type pkgInit struct {
	Pkg string
	Ms  float64
}

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock`)

// initTrace runs bin once outside the emulator with GODEBUG=inittrace=1 and
// returns its package initializations, heaviest first: where init time goes.
// The runtime API address is a closed port, so the function stops once it
// asks for work.
func (c *coldStarter) initTrace(ctx context.Context, bin string) ([]pkgInit, error) {
	port, err := stack.FreePort()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = c.dir
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + c.dir, "GODEBUG=inittrace=1",
		fmt.Sprintf("AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", port),
		"AWS_CONFIG_FILE=" + filepath.Join(c.dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(c.dir, "aws-credentials")}, functionEnv(c.sink.URL())...)
	out, _ := cmd.CombinedOutput() // it exits non-zero once the runtime API is unreachable
	var inits []pkgInit
	for _, l := range strings.Split(string(out), "\n") {
		if m := initLine.FindStringSubmatch(l); m != nil {
			ms, _ := strconv.ParseFloat(m[2], 64)
			inits = append(inits, pkgInit{m[1], ms})
		}
	}
	if len(inits) == 0 {
		return nil, fmt.Errorf("no init trace: %s", clip(string(out), 200))
	}
	sort.SliceStable(inits, func(i, j int) bool { return inits[i].Ms > inits[j].Ms })
	return inits, nil
}
