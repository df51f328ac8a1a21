package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Inputs are the tables the stack is built from: routes.All and routes.Jobs in
// the app, smaller ones in some tests.
type Inputs struct {
	Routes []routes.Route
	Jobs   []routes.Job
}

// DefaultInputs is the platform's route and job table.
func DefaultInputs() Inputs { return Inputs{Routes: routes.All, Jobs: routes.Jobs} }

// Platform is the composed stack KartaMieszkanca-<stage>.
type Platform struct {
	Stack     awscdk.Stack
	Config    Config
	Table     *Table
	Identity  *Identity
	Mail      *Mail
	Files     *Files
	Signing   *Signing
	Alarms    *Alarms
	API       *API
	Jobs      *Jobs
	Functions map[string]awslambda.Function
	// Placeholders lists the functions synthesized with stand-in code.
	Placeholders []string
}

// NewPlatform builds the stack into app.
func NewPlatform(app awscdk.App, cfg Config, in Inputs) (*Platform, error) {
	var names []string
	seen := map[string]bool{}
	needSigning := false
	add := func(name string, needs routes.Needs) error {
		if name == "" || seen[name] {
			return fmt.Errorf("function name %q is empty or used twice (one function per route or job)", name)
		}
		seen[name] = true
		names = append(names, name)
		needSigning = needSigning || needs.Signing
		return nil
	}
	for _, r := range in.Routes {
		if err := add(r.Function, r.Needs); err != nil {
			return nil, err
		}
	}
	for _, j := range in.Jobs {
		if err := add(j.Function, j.Needs); err != nil {
			return nil, err
		}
	}
	dirs, placeheld, err := functionDirs(cfg, names)
	if err != nil {
		return nil, err
	}
	sort.Strings(placeheld)

	stack := awscdk.NewStack(app, jsii.String(cfg.StackName()), &awscdk.StackProps{
		StackName:             jsii.String(cfg.StackName()),
		Description:           jsii.String("Resident card platform (karta mieszkańca), stage " + cfg.Stage),
		TerminationProtection: jsii.Bool(cfg.Prod()),
	})
	awscdk.Tags_Of(stack).Add(jsii.String("project"), jsii.String("karta-mieszkanca"), nil)
	awscdk.Tags_Of(stack).Add(jsii.String("stage"), jsii.String(cfg.Stage), nil)
	if len(placeheld) > 0 {
		awscdk.Annotations_Of(stack).AddWarningV2(jsii.String("karta:placeholderFunctions"), jsii.String(
			"placeholder code (not deployable) for: "+strings.Join(placeheld, ", ")))
	}

	p := &Platform{Stack: stack, Config: cfg, Placeholders: placeheld}
	p.Table = NewTable(stack, "Table", cfg)
	p.Identity = NewIdentity(stack, "Identity", cfg)
	p.Mail = NewMail(stack, "Mail", cfg)
	p.Files = NewFiles(stack, "Files", cfg)
	p.Alarms = NewAlarms(stack, "Alarms", cfg)
	if needSigning {
		p.Signing = NewSigning(stack, "Signing", cfg)
	}
	p.Alarms.WatchQueue(p.Mail.Scope, "DeadLetterQueueAlarm", "The mail sender's dead-letter queue", p.Mail.DeadLetterQueue)

	fns := &Functions{
		cfg: cfg, dirs: dirs, table: p.Table, identity: p.Identity, mail: p.Mail,
		files: p.Files, signing: p.Signing, alarms: p.Alarms, ByName: map[string]awslambda.Function{},
	}
	p.API = NewAPI(stack, "Api", cfg, p.Identity, p.Alarms)
	p.API.AddRoutes(fns, in.Routes)
	p.Jobs = NewJobs(stack, "Jobs", cfg, fns, p.Table, p.Mail, p.Alarms, in.Jobs)
	p.Functions = fns.ByName
	return p, nil
}
