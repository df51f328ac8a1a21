package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// lambdaFlags are the Makefile's LAMBDA_FLAGS: sizes and init times are only
// meaningful for binaries built the way they are deployed.
var lambdaFlags = []string{"-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w"}

// baselines: the Lambda that builds only its DynamoDB client, which init
// times are compared with, and the hello-world Lambda, shown beside it.
var baselines = []string{"./infra/local/bench/baseline", "./infra/local/bench/hello"}

// functionDirs lists the folders under functions/ with a main.go, as the
// Makefile's FUNCTIONS does (it takes every folder).
func functionDirs(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// build compiles the functions and the baseline for linux/goarch with the
// Lambda flags into dir/functions/<name> and dir/baseline/hello. One go build
// per group lets the toolchain link in parallel.
func build(root, dir, goarch string, functions []string) error {
	pkgs := make([]string, len(functions))
	for i, f := range functions {
		pkgs[i] = "./functions/" + f
	}
	for _, group := range []struct {
		out  string
		pkgs []string
	}{{filepath.Join(dir, "functions"), pkgs}, {filepath.Join(dir, "baseline"), baselines}} {
		if err := os.MkdirAll(group.out, 0o755); err != nil {
			return err
		}
		args := append([]string{"build"}, lambdaFlags...)
		args = append(args, "-o", group.out+string(filepath.Separator))
		args = append(args, group.pkgs...)
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("GOARCH=%s go %s: %w\n%s", goarch, strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// sizeRow is one binary's size.
type sizeRow struct {
	Name  string
	Bytes int64
}

// sizes reads the built arm64 binaries' sizes.
func sizes(dir string, functions []string) ([]sizeRow, sizeRow, error) {
	var rows []sizeRow
	for _, f := range functions {
		st, err := os.Stat(filepath.Join(dir, "functions", f))
		if err != nil {
			return nil, sizeRow{}, err
		}
		rows = append(rows, sizeRow{f, st.Size()})
	}
	st, err := os.Stat(filepath.Join(dir, "baseline", "baseline"))
	if err != nil {
		return nil, sizeRow{}, err
	}
	return rows, sizeRow{"baseline (DynamoDB client)", st.Size()}, nil
}
