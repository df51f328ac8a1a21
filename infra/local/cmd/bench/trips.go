package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Round-trip budgets per request.
const (
	readBudget  = 2
	writeBudget = 3
)

// budget: a GET is a read, unless its route writes (reading a case marks it
// read): then it is held to the write budget.
func budget(r routes.Route) int {
	if r.Method == "GET" && r.Needs.Table != routes.WriteTable {
		return readBudget
	}
	return writeBudget
}

// sample is one answer of a route: what it cost and how long it took.
type sample struct {
	Status      int
	Calls       int
	Read, Write float64       // request units consumed (gateway.CapacityHeader)
	Took        time.Duration // through the gateway, pricing excluded
	Function    time.Duration // the function's part of it (adapter, handler)
	Dynamo      time.Duration // its DynamoDB calls on the wire, summed
}

// tripRow is one route's measured requests: the first, on a fresh table and
// a function instance that has not served the route yet (cold), and the
// answers of the later flows and repeats with the same status (warm).
type tripRow struct {
	Route    routes.Route
	Measured bool
	Generic  bool
	Status   int
	Calls    int
	Note     string
	Cold     sample
	Warm     []sample
}

// WarmCalls is the round trips of a warm request (the most seen), or the
// first request's where no warm one was measured.
func (r tripRow) WarmCalls() int {
	if len(r.Warm) == 0 {
		return r.Calls
	}
	calls := make([]int, 0, len(r.Warm))
	for _, w := range r.Warm {
		calls = append(calls, w.Calls)
	}
	return mode(calls)
}

// Over: a warm request over budget. A cold one above it is reported beside.
func (r tripRow) Over() bool { return r.Measured && r.WarmCalls() > budget(r.Route) }

// Units are the median read and write units of the warm requests (the first
// request's where none).
func (r tripRow) Units() (read, write float64) {
	if len(r.Warm) == 0 {
		return r.Cold.Read, r.Cold.Write
	}
	rs, ws := make([]float64, 0, len(r.Warm)), make([]float64, 0, len(r.Warm))
	for _, w := range r.Warm {
		rs, ws = append(rs, w.Read), append(ws, w.Write)
	}
	return medianF(rs), medianF(ws)
}

// Latency is p50 and p99 of the warm requests through the gateway and p50 of
// their DynamoDB time; ok is false without warm requests.
func (r tripRow) Latency() (p50, p99, dynamo time.Duration, ok bool) {
	if len(r.Warm) == 0 {
		return 0, 0, 0, false
	}
	took, dyn := make([]time.Duration, 0, len(r.Warm)), make([]time.Duration, 0, len(r.Warm))
	for _, w := range r.Warm {
		took, dyn = append(took, w.Took), append(dyn, w.Dynamo)
	}
	return percentile(took, 50), percentile(took, 99), percentile(dyn, 50), true
}

// FunctionP50 is p50 of the function's own time (adapter and handler, their
// DynamoDB calls included; not the gateway's JWT check or HTTP exchange).
func (r tripRow) FunctionP50() time.Duration {
	fn := make([]time.Duration, 0, len(r.Warm))
	for _, w := range r.Warm {
		fn = append(fn, w.Function)
	}
	return percentile(fn, 50)
}

// Overhead is p50 of the function's time over p50 of its DynamoDB calls: the
// handler's own share (0 where the route makes no DynamoDB call).
func (r tripRow) Overhead() float64 {
	_, _, dyn, ok := r.Latency()
	if !ok || dyn <= 0 {
		return 0
	}
	return float64(r.FunctionP50()) / float64(dyn)
}

// Cost is the price of a million warm requests, Lambda billed for the
// function's own time.
func (r tripRow) Cost() (routeCost, bool) {
	if !r.Measured {
		return routeCost{}, false
	}
	p50 := r.FunctionP50()
	if len(r.Warm) == 0 {
		p50 = r.Cold.Function
	}
	read, write := r.Units()
	return costPerMillion(read, write, p50, lambdaMemoryMB), true
}

func mode(xs []int) int {
	counts := map[int]int{}
	best := xs[0]
	for _, x := range xs {
		counts[x]++
		if counts[x] > counts[best] || (counts[x] == counts[best] && x < best) {
			best = x
		}
	}
	return best
}

func medianF(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// stepFailed ends one step: the helpers of testenv report through testing.TB.
type stepFailed string

// tb lets the bench use testenv's helpers outside a test: a failure ends the
// current step, recorded in the report, instead of a test. The embedded
// interface is nil; testenv uses only the methods below.
type tb struct{ testing.TB }

func (tb) Helper()                        {}
func (tb) Fatal(args ...any)              { panic(stepFailed(fmt.Sprint(args...))) }
func (tb) Fatalf(format string, a ...any) { panic(stepFailed(fmt.Sprintf(format, a...))) }
func (tb) Errorf(format string, a ...any) { panic(stepFailed(fmt.Sprintf(format, a...))) }
func (tb) Logf(string, ...any)            {}

// catch runs fn, turning a failed step into an error.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	fn()
	return nil
}

// flow is the state a resident's requests build up.
type flow struct {
	env      *testenv.Env
	t        tb
	email    string
	password string
	access   string
	refresh  string
	link     string            // the last link token read from a mail
	mark     int               // mails to the resident before this index are used up
	staff    map[string]string // group → access token
	ids      map[string]string // ids seen in answers, by field name
	repeats  int               // warm repeats of each timed GET
	timed    func(routes.Route) bool
}

// markMail starts reading the resident's mail from the next one.
func (f *flow) markMail() { f.mark = len(f.env.Mails(f.t, f.email)) }

// awaitLink waits for the next mail with a link to page and returns its token.
// Mail goes out asynchronously (outbox → stream → sender), hence the wait.
func (f *flow) awaitLink(page string) string {
	deadline := time.Now().Add(30 * time.Second)
	for {
		ms := f.env.Mails(f.t, f.email)
		for i := f.mark; i < len(ms); i++ {
			if strings.Contains(ms[i].Body.Text, testenv.PortalURL+page+"?token=") {
				f.mark = i + 1
				return ms[i].LinkToken(f.t, page)
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no mail with a %s link to %s", page, f.email)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (f *flow) keepTokens(r *testenv.Resp) {
	var tk struct {
		AccessToken  string `json:"accessToken"`
		RefreshToken string `json:"refreshToken"`
	}
	r.Decode(f.t, &tk)
	f.access, f.refresh = tk.AccessToken, tk.RefreshToken
}

// login logs the resident in outside the measured requests.
func (f *flow) login() {
	tk := f.env.Login(f.t, f.email, f.password)
	f.access, f.refresh = tk.AccessToken, tk.RefreshToken
}

// staffToken logs in the seeded staff account of a group, once.
func (f *flow) staffToken(group string) string {
	if tok, ok := f.staff[group]; ok {
		return tok
	}
	for _, s := range stack.Staff {
		if s.Group == group {
			f.staff[group] = f.env.Staff(f.t, s.Email).AccessToken
			return f.staff[group]
		}
	}
	f.t.Fatalf("no seeded staff account in group %s", group)
	return ""
}

// token is the caller a route takes: nobody, the resident, or staff.
func (f *flow) token(r routes.Route) string {
	if r.Access == routes.Public {
		return ""
	}
	if g := r.Access.Groups(); len(g) > 0 {
		return f.staffToken(g[0])
	}
	return f.access
}

var param = regexp.MustCompile(`\{([^}]+)\}`)

// fill replaces {name} in a path with known ids; missing names the first unknown.
func (f *flow) fill(path string) (out, missing string) {
	out = param.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := f.ids[name]; ok {
			return v
		}
		if missing == "" {
			missing = name
		}
		return m
	})
	return out, missing
}

// collect keeps the ids an answer shows (fields named …Id, at the top level and
// in the first of its items), for the paths of later requests.
func (f *flow) collect(body []byte) {
	var top map[string]any
	if json.Unmarshal(body, &top) != nil {
		return
	}
	objs := []map[string]any{top}
	if items, ok := top["items"].([]any); ok && len(items) > 0 {
		if first, ok := items[0].(map[string]any); ok {
			objs = append(objs, first)
		}
	}
	for _, o := range objs {
		for k, v := range o {
			if s, ok := v.(string); ok && s != "" && strings.HasSuffix(k, "Id") {
				f.ids[k] = s
			}
		}
	}
}

// do sends one route's request and records its round trips.
func (f *flow) do(r routes.Route, ex example, generic bool) tripRow {
	row := tripRow{Route: r, Generic: generic}
	err := catch(func() {
		if ex.Before != nil {
			ex.Before(f)
		}
		tmpl := ex.Path
		if tmpl == "" {
			tmpl = r.Path
		}
		path, missing := f.fill(tmpl)
		if missing != "" {
			row.Note = "not measured: no {" + missing + "} seen in earlier answers"
			return
		}
		token := f.token(r)
		if ex.Token != nil {
			token = ex.Token(f)
		}
		var body any
		if ex.Body != nil {
			body = ex.Body(f)
		}
		var headers []string
		if ex.Headers != nil {
			headers = ex.Headers(f)
		}
		if r.Idempotent && !slices.ContainsFunc(headers, func(h string) bool { return strings.EqualFold(h, "Idempotency-Key") }) {
			// Clients send a key where the route takes one, so that a retry
			// replays; checking it costs a read, so it is measured with it.
			headers = append(headers, "Idempotency-Key", fmt.Sprintf("bench-%d-%s", time.Now().UnixNano(), r.Function))
		}
		began := time.Now()
		res := f.env.Call(f.t, r.Method, path, token, body, headers...)
		row.Cold = sampleOf(res, time.Since(began))
		row.Measured, row.Status, row.Calls = true, res.Status, res.Calls
		row.Note = ex.Note
		if ex.Want != 0 && res.Status != ex.Want {
			row.Note = fmt.Sprintf("expected %d: %s", ex.Want, clip(string(res.Body), 160))
		} else if generic && res.Status >= 400 {
			row.Note = "generic request answered " + clip(string(res.Body), 160)
		}
		if res.Status < 300 {
			f.collect(res.Body)
			if ex.After != nil {
				ex.After(f, res)
			}
		}
		// A read changes nothing: sent again at once, it is timed warm.
		if f.repeat(r) {
			for range f.repeats {
				h := slices.Clone(headers)
				if r.Idempotent {
					h = append(h, "Idempotency-Key", fmt.Sprintf("bench-%d-%s", time.Now().UnixNano(), r.Function))
				}
				began := time.Now()
				again := f.env.Call(f.t, r.Method, path, token, body, h...)
				row.Warm = append(row.Warm, sampleOf(again, time.Since(began)))
			}
		}
	})
	if err != nil {
		row.Note = "failed: " + clip(err.Error(), 200)
	}
	return row
}

func sampleOf(res *testenv.Resp, took time.Duration) sample {
	return sample{Status: res.Status, Calls: res.Calls, Read: res.ReadUnits, Write: res.WriteUnits,
		Took: took - res.Pricing, Function: res.Function, Dynamo: res.Dynamo}
}

// repeat: a GET that changes nothing but a read mark, of a route being timed.
func (f *flow) repeat(r routes.Route) bool {
	return f.repeats > 0 && r.Method == "GET" && f.timed(r)
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// tripOptions say how much the routes are timed.
type tripOptions struct {
	// Flows is the number of times the whole sequence of examples runs, each
	// time for a new resident; the first gives the cold figures.
	Flows int
	// Repeats is how often each GET is sent again at once in every flow.
	Repeats int
	// Timed selects the routes that are timed and priced (nil: all); the
	// others still run, since later requests need what they create.
	Timed func(routes.Route) bool
}

// roundTrips drives every route of routes.All through the local gateway on a
// fresh table and pool, flow after flow, and records each answer's DynamoDB
// round trips, consumed capacity and time. A later flow's answer is a warm
// sample of its route when its status is the first flow's.
func roundTrips(ctx context.Context, o tripOptions) ([]tripRow, error) {
	env, stop, err := testenv.Start(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	if o.Timed == nil {
		o.Timed = func(routes.Route) bool { return true }
	}
	byKey := map[string]routes.Route{}
	for _, r := range routes.All {
		byKey[r.Key()] = r
	}
	hasExample := map[string]bool{}
	for _, s := range examples {
		hasExample[s.Key] = true
	}
	staff := map[string]string{}
	var rows map[string]tripRow
	for i := range max(1, o.Flows) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		f := &flow{env: env, email: testenv.Email("bench"), password: residentPassword,
			staff: staff, ids: map[string]string{}, repeats: o.Repeats, timed: o.Timed}
		got := flowOnce(f, byKey, hasExample)
		if i == 0 {
			rows = got
			continue
		}
		for k, g := range got {
			row := rows[k]
			if !row.Measured || !g.Measured || g.Status != row.Status || !o.Timed(row.Route) {
				continue
			}
			row.Warm = append(row.Warm, g.Cold)
			row.Warm = append(row.Warm, g.Warm...)
			rows[k] = row
		}
	}
	out := make([]tripRow, 0, len(routes.All))
	for _, r := range routes.All {
		row := rows[r.Key()]
		kept := row.Warm[:0]
		for _, w := range row.Warm {
			if w.Status == row.Status {
				kept = append(kept, w)
			}
		}
		row.Warm = kept
		out = append(out, row)
	}
	return out, nil
}

// flowOnce runs the examples once, as one resident, then the generic GETs and
// the late examples.
func flowOnce(f *flow, byKey map[string]routes.Route, hasExample map[string]bool) map[string]tripRow {
	rows := map[string]tripRow{}
	run := func(late bool) {
		for _, s := range examples {
			r, ok := byKey[s.Key]
			if !ok || s.Late != late {
				continue // an example for a route that is gone
			}
			rows[s.Key] = f.do(r, s.example, false)
		}
	}
	run(false)
	for _, r := range routes.All {
		if hasExample[r.Key()] {
			continue
		}
		if r.Method != "GET" {
			rows[r.Key()] = tripRow{Route: r, Note: "not measured: no example request (add one to infra/local/cmd/bench/examples.go)"}
			continue
		}
		rows[r.Key()] = f.do(r, example{}, true)
	}
	run(true)
	return rows
}
