// Package load drives a mixed workload against the local stack with vegeta at
// a fixed rate and checks that nothing failed and nothing was lost. It runs
// only when KARTA_LOAD=1 (`make load`, and `make bench` after its own
// figures): a minute of load has no place in `make test`.
package load

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

func TestMain(m *testing.M) {
	if os.Getenv("KARTA_LOAD") != "1" {
		os.Exit(m.Run())
	}
	testenv.Main(m)
}

// slots is one cycle of the workload: residents read their cards and
// benefits, partners and inspectors verify, partners record benefits,
// operators read the queue and decide.
var slots = []string{
	"cards", "verify-partner", "benefits", "record", "cards", "verify-inspector", "cards", "record",
	"verify-partner", "cards", "benefits", "queue", "cards", "verify-partner", "record", "cards",
	"benefits", "verify-inspector", "cards", "decide",
}

type holder struct {
	testenv.Holder
	number, appID string
}

type kindStats struct {
	Requests int     `json:"requests"`
	Errors5x int     `json:"errors5xx"`
	Other    int     `json:"otherErrors"`
	P50Ms    float64 `json:"p50Ms"`
	P99Ms    float64 `json:"p99Ms"`
	lat      []time.Duration
}

// Figures are what docs/performance.json's "load" holds.
type Figures struct {
	Rate       int                   `json:"rate"`
	Seconds    int                   `json:"seconds"`
	Requests   int                   `json:"requests"`
	Errors5xx  int                   `json:"errors5xx"`
	P50Ms      float64               `json:"p50Ms"`
	P99Ms      float64               `json:"p99Ms"`
	LostWrites int                   `json:"lostWrites"`
	Writes     int                   `json:"writes"`
	ByKind     map[string]*kindStats `json:"byKind"`
}

func TestLoad(t *testing.T) {
	if os.Getenv("KARTA_LOAD") != "1" {
		t.Skip("load runs with KARTA_LOAD=1 (make load)")
	}
	rate, seconds := envInt("KARTA_LOAD_RATE", 20), envInt("KARTA_LOAD_SECONDS", 60)
	e := testenv.Get(t)
	n := envInt("KARTA_LOAD_HOLDERS", 30)
	t.Logf("seeding %d card holders, each with a package application waiting", n)
	holders := make([]holder, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range holders {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			h, c := e.CardHolder(t, nil)
			app := e.Apply(t, h, h.ProfileID, "package_add", map[string]any{"packageId": "sport"})
			holders[i] = holder{h, c.Number, app}
		})
	}
	wg.Wait()
	partner := e.Staff(t, "partner@example.com").AccessToken
	inspector := e.Staff(t, "inspector@example.com").AccessToken
	operator := e.Staff(t, "operator@example.com").AccessToken

	var mu sync.Mutex
	seq, next := 0, 0
	targeter := func(tg *vegeta.Target) error {
		mu.Lock()
		defer mu.Unlock()
		kind := slots[seq%len(slots)]
		h := holders[seq%len(holders)]
		seq++
		if kind == "decide" && next >= len(holders) {
			kind = "queue"
		}
		tg.Header = http.Header{"Content-Type": {"application/json"}}
		bearer := func(tok string) { tg.Header.Set("Authorization", "Bearer "+tok) }
		switch kind {
		case "cards":
			tg.Method, tg.URL = "GET", e.URL+h.Path("/cards")
			bearer(h.Token)
		case "benefits":
			tg.Method, tg.URL = "GET", e.URL+h.Path("/benefits?limit=20")
			bearer(h.Token)
		case "verify-partner", "verify-inspector":
			tg.Method, tg.URL = "POST", e.URL+"/verify"
			tg.Body = []byte(fmt.Sprintf(`{"cardNumber":%q}`, h.number))
			bearer(map[bool]string{true: partner, false: inspector}[kind == "verify-partner"])
		case "record":
			tg.Method, tg.URL = "POST", e.URL+"/partner/benefits"
			tg.Body = []byte(fmt.Sprintf(`{"cardNumber":%q,"packageId":"transport","name":"Bilet ulgowy","amount":2.5}`, h.number))
			tg.Header.Set("Idempotency-Key", ulid.Make().String())
			bearer(partner)
		case "queue":
			tg.Method, tg.URL = "GET", e.URL+"/operator/applications?status=submitted&limit=20"
			bearer(operator)
		case "decide":
			app := holders[next].appID
			next++
			tg.Method, tg.URL = "POST", e.URL+"/operator/applications/"+app+"/decision"
			tg.Body = []byte(`{"decision":"accept","comment":""}`)
			bearer(operator)
		}
		return nil
	}

	t.Logf("attacking at %d/s for %d s", rate, seconds)
	attacker := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true), vegeta.MaxBody(0))
	f := Figures{Rate: rate, Seconds: seconds, ByKind: map[string]*kindStats{}}
	var all []time.Duration
	recorded := 0 // benefits answered 201
	verified := 0
	accepted := map[string]bool{}
	bodies := map[uint64]string{}
	for res := range attacker.Attack(vegeta.Targeter(targeter), vegeta.Rate{Freq: rate, Per: time.Second}, time.Duration(seconds)*time.Second, "mixed") {
		kind := kindOf(res, e.URL)
		ks := f.ByKind[kind]
		if ks == nil {
			ks = &kindStats{}
			f.ByKind[kind] = ks
		}
		ks.Requests++
		ks.lat = append(ks.lat, res.Latency)
		all = append(all, res.Latency)
		f.Requests++
		switch {
		case res.Code >= 500 || res.Code == 0:
			ks.Errors5x++
			f.Errors5xx++
			bodies[res.Seq] = fmt.Sprintf("%s %s → %d %s", res.Method, res.URL, res.Code, res.Error)
		case res.Code >= 400:
			ks.Other++
			bodies[res.Seq] = fmt.Sprintf("%s %s → %d", res.Method, res.URL, res.Code)
		}
		switch {
		case kind == "record" && res.Code == 201:
			recorded++
		case strings.HasPrefix(kind, "verify") && res.Code == 200:
			verified++
		case kind == "decide" && res.Code == 200:
			accepted[strings.TrimPrefix(res.URL, e.URL+"/operator/applications/")] = true
		}
	}
	for _, b := range bodies {
		t.Log(b)
	}

	// Nothing lost: every benefit answered 201 is in its holder's history,
	// every check answered 200 is in the card's checks, every decision
	// answered 200 left its application completed.
	lost, writes := 0, recorded
	histories := 0
	for _, h := range holders {
		histories += count(t, e, h.Token, h.Path("/benefits?limit=100"))
	}
	if histories != recorded {
		t.Errorf("%d benefits recorded with 201, %d in the histories", recorded, histories)
		lost += abs(recorded - histories)
	}
	checks := 0
	for _, h := range holders {
		cards := e.Cards(t, h.Holder, h.ProfileID)
		checks += count(t, e, h.Token, h.Path("/cards/"+cards[0].CardID+"/checks?limit=100"))
	}
	writes += verified
	if checks != verified {
		t.Errorf("%d verifications answered 200, %d checks recorded", verified, checks)
		lost += abs(verified - checks)
	}
	for _, h := range holders {
		id := h.appID
		var a struct{ Status string }
		e.Call(t, "GET", h.Path("/applications/"+id), h.Token, nil).Expect(t, 200).Decode(t, &a)
		if accepted[id+"/decision"] {
			writes++
			if a.Status != "completed" {
				t.Errorf("application %s: decision answered 200, status %s", id, a.Status)
				lost++
			}
		}
	}
	f.LostWrites, f.Writes = lost, writes
	f.P50Ms, f.P99Ms = pct(all, 0.50), pct(all, 0.99)
	for _, ks := range f.ByKind {
		ks.P50Ms, ks.P99Ms = pct(ks.lat, 0.50), pct(ks.lat, 0.99)
	}
	if f.Errors5xx != 0 {
		t.Errorf("%d answers were 5xx or failed", f.Errors5xx)
	}
	for kind, ks := range f.ByKind {
		if ks.Other != 0 {
			t.Errorf("%s: %d answers were 4xx", kind, ks.Other)
		}
	}
	t.Logf("%d requests, %d 5xx, p50 %.1f ms, p99 %.1f ms, %d writes checked, %d lost", f.Requests, f.Errors5xx, f.P50Ms, f.P99Ms, writes, lost)
	if err := publish(f); err != nil {
		t.Fatal(err)
	}
}

func kindOf(res *vegeta.Result, base string) string {
	path := strings.TrimPrefix(res.URL, base)
	switch {
	case strings.HasSuffix(path, "/decision"):
		return "decide"
	case strings.HasPrefix(path, "/operator/applications"):
		return "queue"
	case path == "/partner/benefits":
		return "record"
	case path == "/verify":
		return "verify"
	case strings.Contains(path, "/benefits"):
		return "benefits"
	default:
		return "cards"
	}
}

func count(t *testing.T, e *testenv.Env, token, path string) int {
	t.Helper()
	n := 0
	for cursor := ""; ; {
		p := path
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		var l struct {
			Items      []json.RawMessage
			NextCursor *string
		}
		e.Call(t, "GET", p, token, nil).Expect(t, 200).Decode(t, &l)
		n += len(l.Items)
		if l.NextCursor == nil {
			return n
		}
		cursor = *l.NextCursor
	}
}

func pct(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[int(q*float64(len(s)-1))].Microseconds()) / 1000
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// publish sets "load" in docs/performance.json and the load section of
// docs/performance.md, keeping everything else `make bench` wrote.
func publish(f Figures) error {
	dir := filepath.Join("..", "..", "..", "docs")
	path := filepath.Join(dir, "performance.json")
	doc := map[string]any{}
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	doc["load"] = f
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	md := filepath.Join(dir, "performance.md")
	old, _ := os.ReadFile(md)
	const begin, end = "<!-- load:begin -->", "<!-- load:end -->"
	var s strings.Builder
	fmt.Fprintf(&s, "%s\n## Load: a mixed workload at a fixed rate\n\n", begin)
	fmt.Fprintf(&s, "vegeta (v12.13.0, pinned in go.mod) drives %d requests/s for %d s against the local stack "+
		"(`make load`; in-process gateway, DynamoDB Local, cognito-local): residents read their cards and benefits, partners "+
		"and inspectors verify cards, partners record benefits (a new Idempotency-Key each), operators read the queue and "+
		"accept applications. Afterwards every write answered as done is looked for: benefits in the holders' histories, "+
		"checks in the cards' checks, decisions in the applications' status.\n\n", f.Rate, f.Seconds)
	fmt.Fprintf(&s, "- %d requests, **%d 5xx**, p50 %.1f ms, p99 %.1f ms.\n", f.Requests, f.Errors5xx, f.P50Ms, f.P99Ms)
	fmt.Fprintf(&s, "- Writes answered as done: %d; **lost: %d**.\n\n", f.Writes, f.LostWrites)
	s.WriteString("| kind | requests | 5xx | other errors | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|\n")
	kinds := make([]string, 0, len(f.ByKind))
	for k := range f.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		ks := f.ByKind[k]
		fmt.Fprintf(&s, "| %s | %d | %d | %d | %.1f | %.1f |\n", k, ks.Requests, ks.Errors5x, ks.Other, ks.P50Ms, ks.P99Ms)
	}
	s.WriteString(end + "\n")
	text := string(old)
	if i, j := strings.Index(text, begin), strings.Index(text, end); i >= 0 && j > i {
		text = text[:i] + s.String() + strings.TrimPrefix(text[j+len(end):], "\n")
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + s.String()
	}
	return os.WriteFile(md, []byte(text), 0o644)
}
