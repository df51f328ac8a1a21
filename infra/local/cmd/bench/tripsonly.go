package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/stack"
)

// runTrips measures round trips, warm latency and cost (and the daily job
// when asked) and rewrites only their parts of the report: their sections and
// summary lines of the markdown, and routes (expiryJob) of the JSON.
func runTrips(out string, topts tripOptions, jobs bool) error {
	began := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, err := stack.Root()
	if err != nil {
		return err
	}
	// Only some sections of this report are used; the others say so.
	const skipped = "not measured (-trips)"
	r := &report{Date: began, TripOpts: topts, InitErr: skipped, TimingErr: skipped, JobsErr: skipped, GoBenchErr: skipped}
	r.machine(root)
	progress("driving %d flows of the routes through the local gateway", topts.Flows)
	if r.Trips, err = roundTrips(ctx, topts); err != nil {
		return err
	}
	sections := []string{"## DynamoDB round trips per endpoint", "## Warm latency and cost per route"}
	lines := []string{"- DynamoDB round trips:", "- Warm latency:", "- Cost per million requests"}
	if jobs {
		progress("the daily job on %v profiles", jobSizes)
		if r.Jobs, err = jobScaling(ctx); err != nil {
			return err
		}
		r.JobsErr = ""
		sections = append(sections, "## The daily job: cost follows what is due")
		lines = append(lines, "- Daily job")
	}
	r.Took = time.Since(began)
	path := out
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, out)
	}
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-trips rewrites parts of an existing report: %w", err)
	}
	md := string(old)
	fresh := r.markdown()
	for _, h := range sections {
		md = spliceSection(md, fresh, h)
	}
	md = spliceLines(md, fresh, lines)
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		return err
	}
	jsonPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
	var doc map[string]json.RawMessage
	if b, err := os.ReadFile(jsonPath); err == nil {
		_ = json.Unmarshal(b, &doc)
	}
	if doc == nil {
		doc = map[string]json.RawMessage{}
	}
	js, err := r.json(nil)
	if err != nil {
		return err
	}
	var mine map[string]json.RawMessage
	if err := json.Unmarshal(js, &mine); err != nil {
		return err
	}
	keys := []string{"routes", "prices"}
	if jobs {
		keys = append(keys, "expiryJob")
	}
	for _, k := range keys {
		doc[k] = mine[k]
	}
	doc["routesCommit"], _ = json.Marshal(r.Commit)
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(jsonPath, append(b, '\n'), 0o644); err != nil {
		return err
	}
	progress("rewrote the round trips, latency and cost of %s in %s", out, r.Took.Round(time.Second))
	return nil
}

// section is the text of md from heading to the next heading of its level or
// above ("" where absent).
func section(md, heading string) (start, end int) {
	start = strings.Index(md, "\n"+heading+"\n")
	if start < 0 {
		return -1, -1
	}
	start++
	level := strings.Index(heading, " ")
	rest := md[start+len(heading):]
	end = len(md)
	for i := 0; i < len(rest); {
		j := strings.Index(rest[i:], "\n#")
		if j < 0 {
			break
		}
		k := i + j + 1
		hashes := len(rest[k:]) - len(strings.TrimLeft(rest[k:], "#"))
		if hashes <= level && strings.HasPrefix(rest[k+hashes:], " ") {
			end = start + len(heading) + k
			break
		}
		i = k
	}
	return start, end
}

// spliceSection puts fresh's section under heading in place of md's, or
// before the first section after it in fresh's order when md lacks it.
func spliceSection(md, fresh, heading string) string {
	fs, fe := section(fresh, heading)
	if fs < 0 {
		return md
	}
	if s, e := section(md, heading); s >= 0 {
		return md[:s] + fresh[fs:fe] + md[e:]
	}
	// Absent: insert it after the section that precedes it in fresh.
	prev := strings.LastIndex(fresh[:fs-1], "\n## ")
	if prev >= 0 {
		h := fresh[prev+1:]
		h = h[:strings.Index(h, "\n")]
		if _, e := section(md, h); e >= 0 {
			return md[:e] + fresh[fs:fe] + md[e:]
		}
	}
	return strings.TrimRight(md, "\n") + "\n\n" + fresh[fs:fe]
}

// spliceLines replaces md's summary lines that start with prefixes by
// fresh's, placing new ones after the first prefix's line.
func spliceLines(md, fresh string, prefixes []string) string {
	find := func(text, prefix string) (string, bool) {
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, prefix) {
				return l, true
			}
		}
		return "", false
	}
	anchor := ""
	for _, pre := range prefixes {
		nl, ok := find(fresh, pre)
		if !ok {
			continue
		}
		if ol, ok := find(md, pre); ok {
			md = strings.Replace(md, ol, nl, 1)
		} else if anchor != "" {
			md = strings.Replace(md, anchor, anchor+"\n"+nl, 1)
		}
		anchor = nl
	}
	return md
}
