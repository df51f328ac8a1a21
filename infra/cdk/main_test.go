package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// The tests synthesize a few apps once each (synthesis is the slow part) and
// share them. Function code comes from placeholders unless make build ran.

var testRoot string

func TestMain(m *testing.M) {
	quietJSII()
	root, err := findRoot(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testRoot = root
	tmp, err := os.MkdirTemp("", "karta-cdk-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testTmp = tmp
	code := m.Run()
	jsii.Close()
	os.RemoveAll(tmp)
	os.Exit(code)
}

var testTmp string

// fixture is one synthesized app.
type fixture struct {
	app      awscdk.App
	platform *Platform
	// parent is the stack's template; nested the route stacks' by Access.
	parent assertions.Template
	nested map[routes.Access]assertions.Template
	err    error
	json   map[string]map[string]interface{}
}

// resourcesJSON returns a template's Resources as plain maps, parsed once.
func (f *fixture) resourcesJSON(tpl assertions.Template, key string) map[string]interface{} {
	if f.json == nil {
		f.json = map[string]map[string]interface{}{}
	}
	if r, ok := f.json[key]; ok {
		return r
	}
	r := (*tpl.ToJSON())["Resources"].(map[string]interface{})
	f.json[key] = r
	return r
}

// templates returns the parent template first, then the nested ones.
func (f *fixture) templates() []assertions.Template {
	ts := []assertions.Template{f.parent}
	var keys []string
	for a := range f.nested {
		keys = append(keys, string(a))
	}
	sort.Strings(keys)
	for _, k := range keys {
		ts = append(ts, f.nested[routes.Access(k)])
	}
	return ts
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[string]*fixture{}
)

// Contexts of the shared fixtures.
var (
	devContext = map[string]interface{}{"placeholderFunctions": true}
	// prodContext also switches the mail identity to a domain.
	prodContext = map[string]interface{}{
		"placeholderFunctions": true,
		"stage":                "prod",
		"portalOrigin":         "https://karta.example.pl",
		"mailFrom":             "no-reply@karta.example.pl",
		"mailIdentity":         "karta.example.pl",
		"alarmEmail":           "ops@example.pl",
		"throttleBurst":        "50",
		"throttleRate":         "25",
	}
	// scheduledInputs has a scheduled job and a route that signs, on a
	// minimal table to keep the synth short.
	scheduledInputs = Inputs{
		Routes: []routes.Route{
			{Method: "GET", Path: "/health", Function: "health", Access: routes.Public},
			{Method: "GET", Path: "/qr", Function: "get-qr", Access: routes.Resident, Needs: routes.Needs{Table: routes.ReadTable, Signing: true}},
		},
		Jobs: []routes.Job{
			{Function: "mail-sender", Needs: routes.Needs{Table: routes.WriteTable, Mail: true}, Stream: "OUTBOX#"},
			{Function: "entitlements-expiry", Needs: routes.Needs{Table: routes.WriteTable}, Schedule: "cron(0 2 * * ? *)", TimeZone: "Europe/Warsaw", Summary: "Flags expiring entitlements"},
		},
	}
)

// sampleInputs keeps the first route of each kind (access and needs) and all
// jobs: the prod fixture checks what the stage changes, and every kind of
// route still goes through cdk-nag there, at a fraction of the synth time.
func sampleInputs() Inputs {
	in := Inputs{Jobs: routes.Jobs}
	seen := map[string]bool{}
	for _, r := range routes.All {
		kind := fmt.Sprintf("%s %+v", r.Access, r.Needs)
		if !seen[kind] {
			seen[kind] = true
			in.Routes = append(in.Routes, r)
		}
	}
	return in
}

func getFixture(t *testing.T, name string, ctx map[string]interface{}, in Inputs) *fixture {
	t.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	f, ok := fixtures[name]
	if !ok {
		f = &fixture{}
		fixtures[name] = f
		func() {
			defer func() {
				if r := recover(); r != nil {
					f.err = fmt.Errorf("synth failed: %v%s", r, validationErrors(filepath.Join(testTmp, name)))
				}
			}()
			outdir := filepath.Join(testTmp, name)
			app, p, err := newApp(testRoot, outdir, ctx, in)
			if err != nil {
				f.err = err
				return
			}
			f.app, f.platform = app, p
			f.parent = assertions.Template_FromStack(p.Stack, nil)
			f.nested = map[routes.Access]assertions.Template{}
			for a, ns := range p.API.RouteStacks {
				f.nested[a] = assertions.Template_FromStack(ns, nil)
			}
		}()
	}
	if f.err != nil {
		t.Fatalf("fixture %s: %v", name, f.err)
	}
	return f
}

func dev(t *testing.T) *fixture  { return getFixture(t, "dev", devContext, DefaultInputs()) }
func prod(t *testing.T) *fixture { return getFixture(t, "prod", prodContext, sampleInputs()) }
func scheduled(t *testing.T) *fixture {
	return getFixture(t, "scheduled", devContext, scheduledInputs)
}

// validationErrors lists the errors of a failed synth's validation report
// (cdk-nag findings among them), which the panic message only points to.
func validationErrors(outdir string) string {
	b, err := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
	if err != nil {
		return ""
	}
	var report struct {
		PluginReports []struct {
			Violations []struct {
				Description         string `json:"description"`
				Severity            string `json:"severity"`
				ViolatingConstructs []struct {
					ConstructPath string `json:"constructPath"`
				} `json:"violatingConstructs"`
			} `json:"violations"`
		} `json:"pluginReports"`
	}
	if json.Unmarshal(b, &report) != nil {
		return ""
	}
	var out strings.Builder
	for _, p := range report.PluginReports {
		for _, v := range p.Violations {
			if v.Severity != "error" {
				continue
			}
			desc, _, _ := strings.Cut(v.Description, ":")
			for _, c := range v.ViolatingConstructs {
				fmt.Fprintf(&out, "\n\t%s at %s", desc, c.ConstructPath)
			}
		}
	}
	return out.String()
}

// check runs an assertion that panics on failure (the assertions library does)
// and reports it as a test error instead of ending the test binary.
func check(t *testing.T, what string, fn func()) {
	t.Helper()
	if err := recovered(fn); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func recovered(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	fn()
	return nil
}

// resources returns the resources of a type as plain maps (logical id →
// resource), across the given templates.
func resources(ts []assertions.Template, typ string) map[string]map[string]interface{} {
	out := map[string]map[string]interface{}{}
	for _, tpl := range ts {
		for id, r := range *tpl.FindResources(jsii.String(typ), nil) {
			out[id] = *r
		}
	}
	return out
}

func props(r map[string]interface{}) map[string]interface{} {
	p, _ := r["Properties"].(map[string]interface{})
	return p
}

// fnInfo is one function as synthesized: its properties and the statements
// of its role's policies.
type fnInfo struct {
	id         string
	props      map[string]interface{}
	statements []map[string]interface{}
}

// templateOf returns the template of the stack (parent or nested) holding c.
func (f *fixture) templateOf(t *testing.T, stack awscdk.Stack) assertions.Template {
	t.Helper()
	path := *stack.Node().Path()
	if path == *f.platform.Stack.Node().Path() {
		return f.parent
	}
	for a, ns := range f.platform.API.RouteStacks {
		if *ns.Node().Path() == path {
			return f.nested[a]
		}
	}
	t.Fatalf("no template for stack %s", path)
	return nil
}

// functionsOf returns every function the platform made, by function name.
func functionsOf(t *testing.T, f *fixture) map[string]fnInfo {
	t.Helper()
	out := map[string]fnInfo{}
	for name, fn := range f.platform.Functions {
		stack := awscdk.Stack_Of(fn)
		res := f.resourcesJSON(f.templateOf(t, stack), *stack.Node().Path())
		id := *stack.GetLogicalId(fn.Node().DefaultChild().(awscdk.CfnElement))
		roleID := *stack.GetLogicalId(fn.Role().Node().DefaultChild().(awscdk.CfnElement))
		fi := fnInfo{id: id, props: props(res[id].(map[string]interface{}))}
		for _, raw := range res {
			r := raw.(map[string]interface{})
			if r["Type"] != "AWS::IAM::Policy" {
				continue
			}
			p := props(r)
			attached := false
			for _, role := range p["Roles"].([]interface{}) {
				if ref, _ := role.(map[string]interface{})["Ref"].(string); ref == roleID {
					attached = true
				}
			}
			if !attached {
				continue
			}
			for _, s := range p["PolicyDocument"].(map[string]interface{})["Statement"].([]interface{}) {
				fi.statements = append(fi.statements, s.(map[string]interface{}))
			}
		}
		out[name] = fi
	}
	return out
}

// actions lists the IAM actions of a function's statements.
func (fi fnInfo) actions() map[string]bool {
	out := map[string]bool{}
	for _, s := range fi.statements {
		switch a := s["Action"].(type) {
		case string:
			out[a] = true
		case []interface{}:
			for _, x := range a {
				out[x.(string)] = true
			}
		}
	}
	return out
}

func (fi fnInfo) env() map[string]interface{} {
	e, _ := fi.props["Environment"].(map[string]interface{})
	v, _ := e["Variables"].(map[string]interface{})
	return v
}
