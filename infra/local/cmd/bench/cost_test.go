package main

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The bench prices Lambda at the memory size the CDK app gives every function.
func TestLambdaMemoryIsTheCDKApps(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "cdk", "functions.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`functionMemoryMB\s*=\s*(\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no functionMemoryMB in infra/cdk/functions.go")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != lambdaMemoryMB {
		t.Fatalf("CDK memory %d MB, bench prices %d MB", n, lambdaMemoryMB)
	}
}

func TestCostPerMillion(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	// 1 RRU and 2 WRU per request, 10 ms at 256 MB:
	// DynamoDB 0.305 + 2×1.525; Lambda 1e6 × 0.01 s × 0.25 GB × 0.0000133334 + 0.20; API 1.00.
	c := costPerMillion(1, 2, 10*time.Millisecond, 256)
	if !near(c.DynamoDB, 3.355) || !near(c.Lambda, 0.0333335+0.20) || c.API != 1 {
		t.Fatalf("%+v", c)
	}
	// Duration is billed by the millisecond, rounded up.
	if a, b := costPerMillion(0, 0, 9100*time.Microsecond, 256), costPerMillion(0, 0, 10*time.Millisecond, 256); !near(a.Lambda, b.Lambda) {
		t.Fatalf("9.1 ms %v, 10 ms %v", a.Lambda, b.Lambda)
	}
	if got := jobRunCost(1000, 2000, time.Second, 1024); !near(got, (1000*0.305+2000*1.525)/1e6+0.0000133334+0.2/1e6) {
		t.Fatalf("job run %v", got)
	}
}

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 100; i >= 1; i-- {
		s = append(s, time.Duration(i))
	}
	if percentile(s, 50) != 50 || percentile(s, 99) != 99 || percentile(s[:1], 99) != 100 || percentile(nil, 50) != 0 {
		t.Fatal(percentile(s, 50), percentile(s, 99))
	}
}

func TestSpliceKeepsOtherSections(t *testing.T) {
	old := "# P\n\n## Summary\n\n- A: 1\n- DynamoDB round trips: old\n- B: 2\n\n## DynamoDB round trips per endpoint\n\nold table\n\n### Why\n\nold why\n\n## Other\n\nkept\n"
	fresh := "# P\n\n## Summary\n\n- DynamoDB round trips: new\n- Warm latency: new\n\n## DynamoDB round trips per endpoint\n\nnew table\n\n### Why\n\nnew why\n\n## Warm latency and cost per route\n\nnew latency\n\n## Later\n"
	md := spliceSection(old, fresh, "## DynamoDB round trips per endpoint")
	md = spliceSection(md, fresh, "## Warm latency and cost per route")
	md = spliceLines(md, fresh, []string{"- DynamoDB round trips:", "- Warm latency:"})
	want := "# P\n\n## Summary\n\n- A: 1\n- DynamoDB round trips: new\n- Warm latency: new\n- B: 2\n\n## DynamoDB round trips per endpoint\n\nnew table\n\n### Why\n\nnew why\n\n## Warm latency and cost per route\n\nnew latency\n\n## Other\n\nkept\n"
	if md != want {
		t.Fatalf("got\n%s", strings.ReplaceAll(md, "\n", "⏎\n"))
	}
}
