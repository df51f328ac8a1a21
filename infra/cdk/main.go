// Command cdk is the AWS CDK app of the resident card platform: it synthesizes
// the stack KartaMieszkanca-<stage> (cdk.json runs it; `go run .` works too).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

func main() { os.Exit(run()) }

func run() int {
	quietJSII()
	defer jsii.Close()
	root, err := findRoot(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	outdir, err := assemblyDir(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("CDK_OUTDIR", outdir)
	app, _, err := newApp(root, outdir, nil, DefaultInputs())
	if err == nil {
		err = synth(app)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// assemblyDir is where the cloud assembly goes. Without CDK_OUTDIR (`go run .`)
// it is cdk.out at the repository root, where the CLI looks by default. The CLI
// passes its --output as given, usually the relative "cdk.out", meant from the
// folder of cdk.json; cdk.json's app command changes into infra/cdk first, so a
// relative path from the CLI (it also sets CDK_CLI_VERSION) is taken from the
// root. A relative path set by hand is taken from the working directory.
func assemblyDir(root string) (string, error) {
	dir := os.Getenv("CDK_OUTDIR")
	switch {
	case dir == "":
		dir = filepath.Join(root, "cdk.out")
	case !filepath.IsAbs(dir) && os.Getenv("CDK_CLI_VERSION") != "":
		dir = filepath.Join(root, dir)
	}
	return filepath.Abs(dir)
}

// synth writes the cloud assembly. The jsii runtime reports a failed synth
// (cdk-nag errors among others, listed above it) as a panic.
func synth(app awscdk.App) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("synth failed: %v", r)
		}
	}()
	app.Synth(nil)
	return nil
}

// quietJSII silences the jsii runtime's notice about Node 20 reaching end of
// life; it is printed on every run and is not about this app. The runtime
// captures its environment when the first jsii package initializes (before
// main), so the not yet started runtime is closed and the next call starts a
// fresh one that sees the variable.
func quietJSII() {
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
		jsii.Close()
	}
}

// newApp builds the app with cdk.json's context (overrides on top, for tests),
// the platform stack and the cdk-nag AwsSolutions checks, whose reports are
// written next to the templates.
func newApp(root, outdir string, overrides map[string]interface{}, in Inputs) (awscdk.App, *Platform, error) {
	ctx, err := fileContext(root)
	if err != nil {
		return nil, nil, err
	}
	if ctx == nil {
		ctx = map[string]interface{}{}
	}
	for k, v := range overrides {
		ctx[k] = v
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir), Context: &ctx})
	cfg, err := ConfigFromContext(app.Node(), root, outdir)
	if err != nil {
		return nil, nil, err
	}
	p, err := NewPlatform(app, cfg, in)
	if err != nil {
		return nil, nil, err
	}
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{
		Verbose: jsii.Bool(true),
		Reports: jsii.Bool(true),
	}), nil)
	return app, p, nil
}
