package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"strings"
)

// goBenchPackages are the packages whose Go benchmarks the report lists.
var goBenchPackages = []string{"./infra/local/bench/"}

// goBenchRow is one line of go test -bench output.
type goBenchRow struct {
	Name, NsOp, BytesOp, AllocsOp string
}

// goBenchmarks runs the Go benchmarks and returns their figures and command.
func goBenchmarks(root string) ([]goBenchRow, string, error) {
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1"}, goBenchPackages...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	command := "go " + strings.Join(args, " ")
	if err != nil {
		return nil, command, fmt.Errorf("%s: %w\n%s", command, err, out)
	}
	var rows []goBenchRow
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		row := goBenchRow{Name: f[0]}
		for i := 2; i+1 < len(f); i += 2 {
			switch f[i+1] {
			case "ns/op":
				row.NsOp = f[i]
			case "B/op":
				row.BytesOp = f[i]
			case "allocs/op":
				row.AllocsOp = f[i]
			}
		}
		rows = append(rows, row)
	}
	return rows, command, nil
}
