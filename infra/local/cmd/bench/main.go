// Command bench measures the functions against their performance budgets and
// writes the report, regenerated on every run:
//
//   - binary size of each function built as `make build` builds it (≤ 10 MB);
//   - init time under the Lambda runtime interface emulator, median of several
//     cold starts, against a Go Lambda that builds only its DynamoDB client
//     from the environment (≤ 1.25×), and the cold request (init and the
//     first request);
//   - DynamoDB round trips of every route, driven once through the local
//     gateway (≤ 2 per read, ≤ 3 per write);
//   - registration timing: new against taken e-mails, medians within 10 %
//     (R1.4); `-timing` measures only this and prints it;
//   - the daily entitlements-expiry job's reads and run time on 10,000 and
//     100,000 profiles with 1 % due (cost follows what is due);
//   - the Go benchmarks of infra/local/bench.
//
// `make bench` runs it inside `localstack run`, which starts the emulators;
// run alone, the round-trip part starts them itself.
//
//	go run ./infra/local/cmd/bench -out docs/performance.md [-starts 5]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Budgets.
const (
	sizeBudget = 10_000_000 // bytes: 10 MB, decimal
	initBudget = 1.25       // × the init of a Lambda that builds only its DynamoDB client
	// overheadGoal: a warm request's p50 through the gateway over the p50 of
	// its DynamoDB calls' time.
	overheadGoal = 1.5
)

func main() {
	out := flag.String("out", "docs/performance.md", "report to write, relative to the repository root")
	starts := flag.Int("starts", 5, "measured cold starts per function (the median is reported)")
	timingOnly := flag.Bool("timing", false, "measure registration timing only and print it (no report)")
	fns := flag.String("functions", "", "comma-separated functions to build and start (default: all); for a quick look")
	quick := flag.Bool("quick", false, "sizes and cold starts only (no Go benchmarks, round trips, timing or daily job)")
	flows := flag.Int("flows", 6, "times the examples run through the gateway (the first gives the cold round trips; the others time and price warm requests)")
	repeats := flag.Int("repeats", 10, "warm repeats of each GET in every flow")
	only := flag.String("routes", "", "regular expression: time and price only the routes whose key (\"GET /account\") it matches (all routes still run)")
	tripsOnly := flag.Bool("trips", false, "round trips, latency and cost only: rewrite their parts of -out and its .json, keep the rest")
	jobs := flag.String("jobs", "", "comma-separated profile counts for the daily job (default 10000,100000); with -trips, also run it")
	sizesOnly := flag.Bool("sizes", false, "build the functions for arm64, print their sizes and fail if one is over 10 MB (no emulators, no report)")
	flag.Parse()
	if *sizesOnly {
		if err := runSizes(*fns); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	topts := tripOptions{Flows: *flows, Repeats: *repeats}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -routes:", err)
			os.Exit(2)
		}
		topts.Timed = func(r routes.Route) bool { return re.MatchString(r.Key()) }
	}
	if *jobs != "" {
		jobSizes = nil
		for _, n := range strings.Split(*jobs, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(n))
			if err != nil || v < 100 {
				fmt.Fprintln(os.Stderr, "bench: -jobs: want counts of at least 100")
				os.Exit(2)
			}
			jobSizes = append(jobSizes, v)
		}
	}
	if *tripsOnly {
		if err := runTrips(*out, topts, *jobs != ""); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *timingOnly {
		if err := runTiming(); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*out, *starts, *fns, *quick, topts); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(out string, starts int, only string, quick bool, topts tripOptions) error {
	began := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, err := stack.Root()
	if err != nil {
		return err
	}
	functions, err := selected(root, only)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "karta-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r := &report{Date: began, Starts: starts, Functions: functions, TripOpts: topts}
	r.machine(root)
	for _, f := range routes.Functions() {
		if _, err := os.Stat(filepath.Join(root, "functions", f)); err != nil {
			r.Missing = append(r.Missing, f)
		}
	}

	phase := func(name string, since time.Time) { r.Phases = append(r.Phases, phaseTime{name, time.Since(since)}) }
	t := time.Now()
	progress("building %d functions for linux/arm64", len(functions))
	armDir := filepath.Join(tmp, "arm64")
	if err := build(root, armDir, "arm64", functions); err != nil {
		return err
	}
	if r.Sizes, r.BaselineSize, err = sizes(armDir, functions); err != nil {
		return err
	}

	// The emulator runs binaries natively, so init is measured on this
	// machine's architecture, built with the same flags.
	r.InitArch = runtime.GOARCH
	hostDir := filepath.Join(tmp, runtime.GOARCH)
	if runtime.GOARCH != "arm64" {
		progress("building %d functions for linux/%s", len(functions), runtime.GOARCH)
		if err := build(root, hostDir, runtime.GOARCH, functions); err != nil {
			return err
		}
	} else {
		hostDir = armDir
	}
	phase("builds", t)
	var failed []string
	// CPU-bound measurements first, before the gateway's stream poller runs.
	t = time.Now()
	if quick {
		const skipped = "skipped (-quick)"
		r.GoBenchErr, r.TripsErr, r.TimingErr, r.JobsErr = skipped, skipped, skipped, skipped
	} else {
		progress("running Go benchmarks")
		if r.GoBench, r.GoBenchCmd, err = goBenchmarks(root); err != nil {
			r.GoBenchErr = err.Error()
			failed = append(failed, "Go benchmarks")
		}
		phase("Go benchmarks", t)
	}
	t = time.Now()
	if err := measureInit(ctx, r, root, tmp, hostDir); err != nil {
		r.InitErr = err.Error()
		failed = append(failed, "init times")
	}
	phase("cold starts", t)
	t = time.Now()

	if !quick {
		progress("driving %d routes through the local gateway", len(routes.All))
		if r.Trips, err = roundTrips(ctx, topts); err != nil {
			r.TripsErr = err.Error()
			failed = append(failed, "round trips")
		}
		phase("round trips", t)
		t = time.Now()

		progress("timing %d registrations of new and %d of taken e-mails", timingRequests, timingRequests)
		if r.Timing, err = registrationTiming(ctx); err != nil {
			r.TimingErr = err.Error()
			failed = append(failed, "registration timing")
		}
		phase("registration timing", t)
		progress("the daily job on %v profiles", jobSizes)
		if r.Jobs, err = jobScaling(ctx); err != nil {
			r.JobsErr = err.Error()
			failed = append(failed, "the daily job")
		}
		phase("daily job", t)
	}

	r.Took = time.Since(began)
	path := out
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, out)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// `make load` adds its figures to both files after the bench: a rerun of
	// the bench keeps them.
	md := r.markdown()
	if old, err := os.ReadFile(path); err == nil {
		const begin, end = "<!-- load:begin -->", "<!-- load:end -->"
		if i, j := strings.Index(string(old), begin), strings.Index(string(old), end); i >= 0 && j > i {
			md = strings.TrimRight(md, "\n") + "\n\n" + string(old[i:j+len(end)]) + "\n"
		}
	}
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		return err
	}
	jsonPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
	var load json.RawMessage
	if old, err := os.ReadFile(jsonPath); err == nil {
		var doc map[string]json.RawMessage
		if json.Unmarshal(old, &doc) == nil {
			load = doc["load"]
		}
	}
	js, err := r.json(load)
	if err != nil {
		return err
	}
	if err := os.WriteFile(jsonPath, js, 0o644); err != nil {
		return err
	}
	progress("wrote %s in %s", out, r.Took.Round(time.Second))
	if len(failed) > 0 {
		return fmt.Errorf("could not measure: %v (see %s)", failed, out)
	}
	// The size budget is a hard one (make bench fails): building every
	// function for arm64 takes minutes, too long for make test.
	if over := overBudget(r.Sizes); len(over) > 0 {
		return fmt.Errorf("over %d bytes: %s (see %s)", sizeBudget, strings.Join(over, ", "), out)
	}
	return nil
}

// overBudget names the binaries over the size budget, with their sizes.
func overBudget(rows []sizeRow) []string {
	var over []string
	for _, s := range rows {
		if s.Bytes > sizeBudget {
			over = append(over, fmt.Sprintf("%s %s MB", s.Name, mb(s.Bytes)))
		}
	}
	return over
}

// selected are the functions named in only (comma-separated), or all.
func selected(root, only string) ([]string, error) {
	if only != "" {
		return strings.Split(only, ","), nil
	}
	return functionDirs(root)
}

// runSizes builds the functions (all, or only) as make build does and checks
// the size budget, without the emulators: `go run ./infra/local/cmd/bench -sizes`.
func runSizes(only string) error {
	root, err := stack.Root()
	if err != nil {
		return err
	}
	functions, err := selected(root, only)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "karta-sizes-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	progress("building %d functions for linux/arm64", len(functions))
	if err := build(root, tmp, "arm64", functions); err != nil {
		return err
	}
	rows, _, err := sizes(tmp, functions)
	if err != nil {
		return err
	}
	for _, s := range rows {
		fmt.Printf("%-32s %s MB\n", s.Name, mb(s.Bytes))
	}
	if over := overBudget(rows); len(over) > 0 {
		return fmt.Errorf("over %d bytes: %s", sizeBudget, strings.Join(over, ", "))
	}
	return nil
}

// runTiming measures registration timing alone and prints its table.
func runTiming() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := registrationTiming(ctx)
	if err != nil {
		return err
	}
	fmt.Println(res.table())
	return nil
}

func measureInit(ctx context.Context, r *report, root, tmp, hostDir string) error {
	rie, err := ensureRIE(root)
	if err != nil {
		return err
	}
	r.RIE = rieVersion
	s, err := newSink()
	if err != nil {
		return err
	}
	defer s.ln.Close()
	task := filepath.Join(tmp, "task")
	if err := os.MkdirAll(task, 0o755); err != nil {
		return err
	}
	bins := []binary{
		{"baseline (DynamoDB client)", filepath.Join(hostDir, "baseline", "baseline"), []byte("{}")},
		{"hello", filepath.Join(hostDir, "baseline", "hello"), []byte("{}")},
	}
	for _, f := range r.Functions {
		bins = append(bins, binary{f, filepath.Join(hostDir, "functions", f), firstRequest(root, f)})
	}
	progress("%d cold starts of %d binaries under the runtime interface emulator", (r.Starts+1)*len(bins), len(bins))
	r.LoadBefore = loadAverage()
	rows := coldStarts(ctx, &coldStarter{rie: rie, dir: task, sink: s}, bins, r.Starts)
	r.LoadAfter = loadAverage()
	r.Baseline, r.Hello, r.Inits = rows[0], rows[1], rows[2:]
	if r.Baseline.Err != "" {
		return fmt.Errorf("the hello-world baseline did not start: %s", r.Baseline.Err)
	}
	return ctx.Err()
}

// loadAverage is the machine's one-minute load average, "" where unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
