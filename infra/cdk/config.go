package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Stages the app knows. Anything else is refused so a typo never deploys a
// half-configured stack.
const (
	StageDev  = "dev"
	StageProd = "prod"
)

// PlaceholderEnv, set to 1 or true, has the same effect as the context flag
// placeholderFunctions=true (convenient for `go run .` without the CLI).
const PlaceholderEnv = "CDK_PLACEHOLDER_FUNCTIONS"

// Config is everything the stack reads from the CDK context, parsed once.
type Config struct {
	Stage string
	// PortalOrigin is the browser origin allowed by CORS (API and files bucket).
	PortalOrigin string
	// PortalURL is the base of the links in mails; defaults to PortalOrigin.
	PortalURL string
	// DecisionServiceDays is the city's service level: the days from a
	// submission to its expected decision (R15.8).
	DecisionServiceDays float64
	// MailFrom is the sender address; MailIdentity the SES identity that covers
	// it (the address itself or its domain).
	MailFrom     string
	MailIdentity string
	// AlarmEmail, when set, is subscribed to the alarm topic.
	AlarmEmail string
	// DocumentRetentionDays: application documents are deleted this many days
	// after the decision (R15.5; context documentRetentionDays, default 30).
	DocumentRetentionDays float64
	ThrottleBurst         float64
	ThrottleRate          float64
	LogRetention          awslogs.RetentionDays
	// LogRetentionDays is LogRetention in days (the log bucket's expiry).
	LogRetentionDays float64
	// FunctionsDir holds one folder per function with its bootstrap binary.
	FunctionsDir string
	// PlaceholderDir, when set, is where stand-in function folders are made for
	// functions missing from FunctionsDir (synth and tests without a build).
	PlaceholderDir string
}

// Prod reports whether this is the production stage.
func (c Config) Prod() bool { return c.Stage == StageProd }

// StackName is the CloudFormation stack name.
func (c Config) StackName() string { return "KartaMieszkanca-" + c.Stage }

// RemovalPolicy for stateful resources: prod keeps data when the stack goes,
// dev cleans up after itself.
func (c Config) RemovalPolicy() awscdk.RemovalPolicy {
	if c.Prod() {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_DESTROY
}

// retentions maps the day counts CloudWatch Logs accepts to the CDK enum.
var retentions = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS,
	5: awslogs.RetentionDays_FIVE_DAYS, 7: awslogs.RetentionDays_ONE_WEEK,
	14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS,
	120: awslogs.RetentionDays_FOUR_MONTHS, 150: awslogs.RetentionDays_FIVE_MONTHS,
	180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS,
	731: awslogs.RetentionDays_TWO_YEARS, 1096: awslogs.RetentionDays_THREE_YEARS,
	1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS,
	3288: awslogs.RetentionDays_NINE_YEARS, 3653: awslogs.RetentionDays_TEN_YEARS,
}

// contextReader reads typed values from a construct node's context. Values from
// cdk.json arrive as JSON types, values from `-c key=value` as strings.
type contextReader struct {
	node constructs.Node
	errs []error
}

func (r *contextReader) raw(key string) (interface{}, bool) {
	v := r.node.TryGetContext(jsii.String(key))
	if v == nil {
		return nil, false
	}
	if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
		return nil, false
	}
	return v, true
}

func (r *contextReader) str(key, def string) string {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s)
	}
	return fmt.Sprint(v)
}

func (r *contextReader) num(key string, def float64) float64 {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	switch n := v.(type) {
	case float64:
		return n
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if err == nil {
			return f
		}
	}
	r.errs = append(r.errs, fmt.Errorf("context %s: %v is not a number", key, v))
	return def
}

func (r *contextReader) flag(key string) bool {
	v, ok := r.raw(key)
	if !ok {
		return false
	}
	switch b := v.(type) {
	case bool:
		return b
	case string:
		p, err := strconv.ParseBool(strings.TrimSpace(b))
		if err == nil {
			return p
		}
	}
	r.errs = append(r.errs, fmt.Errorf("context %s: %v is not a boolean", key, v))
	return false
}

// ConfigFromContext reads the configuration from the app's context. root is the
// repository root (for build/functions), outdir the cloud assembly folder (for
// placeholders).
func ConfigFromContext(node constructs.Node, root, outdir string) (Config, error) {
	r := &contextReader{node: node}
	c := Config{Stage: r.str("stage", StageDev)}
	if c.Stage != StageDev && c.Stage != StageProd {
		return Config{}, fmt.Errorf("context stage: %q is neither %q nor %q", c.Stage, StageDev, StageProd)
	}
	c.PortalOrigin = strings.TrimRight(r.str("portalOrigin", "http://localhost:5173"), "/")
	c.PortalURL = strings.TrimRight(r.str("portalUrl", c.PortalOrigin), "/")
	c.MailFrom = r.str("mailFrom", "no-reply@example.com")
	c.MailIdentity = r.str("mailIdentity", c.MailFrom)
	c.AlarmEmail = r.str("alarmEmail", "")
	c.DocumentRetentionDays = r.num("documentRetentionDays", 30)
	if d := c.DocumentRetentionDays; d < 1 || d > 3650 || d != float64(int(d)) {
		r.errs = append(r.errs, fmt.Errorf("context documentRetentionDays: %v is not a number of days from 1 to 3650", d))
	}
	c.ThrottleBurst = r.num("throttleBurst", 200)
	c.ThrottleRate = r.num("throttleRate", 100)
	c.DecisionServiceDays = r.num("decisionServiceDays", 14)
	if c.DecisionServiceDays < 1 || c.DecisionServiceDays > 365 || float64(int(c.DecisionServiceDays)) != c.DecisionServiceDays {
		r.errs = append(r.errs, fmt.Errorf("context decisionServiceDays: %v is not a whole number of days from 1 to 365", c.DecisionServiceDays))
	}

	// Production keeps a year of logs (audit of a public service); dev two weeks.
	defDays := 14.0
	if c.Prod() {
		defDays = 365
	}
	c.LogRetentionDays = r.num("logRetentionDays", defDays)
	ret, ok := retentions[int(c.LogRetentionDays)]
	if !ok || float64(int(c.LogRetentionDays)) != c.LogRetentionDays {
		r.errs = append(r.errs, fmt.Errorf("context logRetentionDays: %v is not a CloudWatch Logs retention", c.LogRetentionDays))
	}
	c.LogRetention = ret

	c.FunctionsDir = r.str("functionsDir", filepath.Join(root, "build", "functions"))
	if !filepath.IsAbs(c.FunctionsDir) {
		c.FunctionsDir = filepath.Join(root, c.FunctionsDir)
	}
	placeholders := r.flag("placeholderFunctions")
	if env, err := strconv.ParseBool(os.Getenv(PlaceholderEnv)); err == nil && env {
		placeholders = true
	}
	if placeholders {
		c.PlaceholderDir = filepath.Join(outdir, ".placeholder-functions")
	}

	if !strings.HasPrefix(c.PortalOrigin, "https://") && !strings.HasPrefix(c.PortalOrigin, "http://") {
		r.errs = append(r.errs, fmt.Errorf("context portalOrigin: %q is not an http(s) origin", c.PortalOrigin))
	}
	if c.Prod() && !strings.HasPrefix(c.PortalOrigin, "https://") {
		r.errs = append(r.errs, fmt.Errorf("context portalOrigin: prod needs an https origin, got %q", c.PortalOrigin))
	}
	if !strings.Contains(c.MailFrom, "@") {
		r.errs = append(r.errs, fmt.Errorf("context mailFrom: %q is not an e-mail address", c.MailFrom))
	}
	if c.ThrottleBurst <= 0 || c.ThrottleRate <= 0 {
		r.errs = append(r.errs, errors.New("context throttleBurst and throttleRate must be positive"))
	}
	if len(r.errs) > 0 {
		return Config{}, errors.Join(r.errs...)
	}
	return c, nil
}

// findRoot walks up from dir to the folder holding cdk.json (the repository
// root), so the app works from the CLI (run in the root) and from `go run` or
// `go test` (run in infra/cdk).
func findRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "cdk.json")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no cdk.json in %s or above", dir)
		}
	}
}

// fileContext returns the "context" object of cdk.json. The CLI passes it to the
// app itself; reading it here gives `go run .` and the tests the same defaults
// and feature flags (CDK_CONTEXT_JSON from the CLI still takes precedence).
func fileContext(root string) (map[string]interface{}, error) {
	b, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		return nil, err
	}
	var f struct {
		Context map[string]interface{} `json:"context"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("cdk.json: %w", err)
	}
	return f.Context, nil
}
