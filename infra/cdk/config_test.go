package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
)

func configFrom(t *testing.T, ctx map[string]interface{}) (Config, error) {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
	return ConfigFromContext(app.Node(), "/repo", "/repo/cdk.out")
}

func TestConfigDefaults(t *testing.T) {
	t.Setenv(PlaceholderEnv, "")
	c, err := configFrom(t, map[string]interface{}{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Stage != StageDev || c.StackName() != "KartaMieszkanca-dev" || c.PortalOrigin != "http://localhost:5173" ||
		c.PortalURL != c.PortalOrigin || c.MailFrom != "no-reply@example.com" || c.MailIdentity != c.MailFrom ||
		c.ThrottleBurst != 200 || c.ThrottleRate != 100 || c.LogRetention != awslogs.RetentionDays_TWO_WEEKS ||
		c.FunctionsDir != "/repo/build/functions" || c.PlaceholderDir != "" || c.RemovalPolicy() != awscdk.RemovalPolicy_DESTROY {
		t.Errorf("defaults: %+v", c)
	}
}

func TestConfigFromContext(t *testing.T) {
	t.Setenv(PlaceholderEnv, "")
	c, err := configFrom(t, map[string]interface{}{
		"stage": "prod", "portalOrigin": "https://karta.example.pl/", "throttleBurst": "10", "throttleRate": 5.0,
		"logRetentionDays": "731", "placeholderFunctions": "true", "functionsDir": "out/fns",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Prod() || c.PortalOrigin != "https://karta.example.pl" || c.ThrottleBurst != 10 || c.ThrottleRate != 5 ||
		c.LogRetention != awslogs.RetentionDays_TWO_YEARS || c.RemovalPolicy() != awscdk.RemovalPolicy_RETAIN ||
		c.FunctionsDir != "/repo/out/fns" || c.PlaceholderDir != "/repo/cdk.out/.placeholder-functions" {
		t.Errorf("config: %+v", c)
	}
	if c.LogRetentionDays != 731 {
		t.Errorf("retention days %v", c.LogRetentionDays)
	}
}

func TestConfigPlaceholderEnv(t *testing.T) {
	t.Setenv(PlaceholderEnv, "1")
	c, err := configFrom(t, map[string]interface{}{})
	if err != nil || c.PlaceholderDir == "" {
		t.Errorf("%s=1 should allow placeholders: %+v %v", PlaceholderEnv, c, err)
	}
}

func TestConfigRejects(t *testing.T) {
	for name, ctx := range map[string]map[string]interface{}{
		"unknown stage":          {"stage": "staging"},
		"prod over http":         {"stage": "prod", "portalOrigin": "http://karta.example.pl"},
		"origin without scheme":  {"portalOrigin": "karta.example.pl"},
		"sender without @":       {"mailFrom": "example.com"},
		"odd retention":          {"logRetentionDays": 10},
		"throttle not a number":  {"throttleRate": "fast"},
		"negative burst":         {"throttleBurst": -1},
		"placeholder not a bool": {"placeholderFunctions": "maybe"},
	} {
		if _, err := configFrom(t, ctx); err == nil {
			t.Errorf("%s: accepted %v", name, ctx)
		}
	}
}

func TestFunctionDirs(t *testing.T) {
	built := t.TempDir()
	if err := os.MkdirAll(filepath.Join(built, "health"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(built, "health", "bootstrap"), []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := Config{FunctionsDir: built}
	if _, _, err := functionDirs(cfg, []string{"health", "login"}); err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("missing function without placeholders: %v", err)
	}
	cfg.PlaceholderDir = filepath.Join(t.TempDir(), "ph")
	dirs, placeheld, err := functionDirs(cfg, []string{"health", "login"})
	if err != nil {
		t.Fatal(err)
	}
	if dirs["health"] != filepath.Join(built, "health") {
		t.Errorf("built function from %s", dirs["health"])
	}
	if dirs["login"] != filepath.Join(cfg.PlaceholderDir, "login") || len(placeheld) != 1 || placeheld[0] != "login" {
		t.Errorf("placeholder: %v %v", dirs, placeheld)
	}
	st, err := os.Stat(filepath.Join(dirs["login"], "bootstrap"))
	if err != nil || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("placeholder bootstrap: %v %v", st, err)
	}
}

func TestConstructID(t *testing.T) {
	for in, want := range map[string]string{"health": "Health", "list-consent-clauses": "ListConsentClauses", "mail_sender": "MailSender"} {
		if got := constructID(in); got != want {
			t.Errorf("constructID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStackNames(t *testing.T) {
	if n := dev(t).platform.Stack.StackName(); *n != "KartaMieszkanca-dev" {
		t.Errorf("dev stack %s", *n)
	}
	p := prod(t)
	if n := p.platform.Stack.StackName(); *n != "KartaMieszkanca-prod" {
		t.Errorf("prod stack %s", *n)
	}
	if !*p.platform.Stack.TerminationProtection() || *dev(t).platform.Stack.TerminationProtection() {
		t.Error("termination protection should be on in prod only")
	}
}

func TestAssemblyDir(t *testing.T) {
	wd, _ := os.Getwd()
	for _, c := range []struct{ outdir, cli, want string }{
		{"", "", "/repo/cdk.out"},
		{"/tmp/out", "2.1000.0", "/tmp/out"},
		{"cdk.out", "2.1000.0", "/repo/cdk.out"},
		{"../../cdk.out", "", filepath.Join(wd, "../../cdk.out")},
	} {
		t.Setenv("CDK_OUTDIR", c.outdir)
		t.Setenv("CDK_CLI_VERSION", c.cli)
		if got, err := assemblyDir("/repo"); err != nil || got != c.want {
			t.Errorf("CDK_OUTDIR=%q CDK_CLI_VERSION=%q: %s %v, want %s", c.outdir, c.cli, got, err, c.want)
		}
	}
}
