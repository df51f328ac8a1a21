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
	// The CLI sets CDK_OUTDIR; without it (`go run .`) the assembly goes to
	// cdk.out at the repository root, where the CLI would put it.
	outdir := os.Getenv("CDK_OUTDIR")
	if outdir == "" {
		outdir = filepath.Join(root, "cdk.out")
	}
	if outdir, err = filepath.Abs(outdir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("CDK_OUTDIR", outdir)
	app, _, err := newApp(root, outdir, nil, DefaultInputs())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	app.Synth(nil)
	return 0
}

// quietJSII silences the jsii runtime's notice about Node 20 reaching end of
// life; it is printed on every run and is not about this app.
func quietJSII() {
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
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
