package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

var nagRules = assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))

// TestNagNoErrors: the AwsSolutions pack finds no unsuppressed error in the
// stack, its nested route stacks included, in every stage.
func TestNagNoErrors(t *testing.T) {
	for name, f := range map[string]*fixture{"dev": dev(t), "prod": prod(t), "scheduled": scheduled(t)} {
		check(t, name, func() {
			assertions.Annotations_FromStack(f.platform.Stack).HasNoError(jsii.String("*"), nagRules)
		})
	}
}

// TestNagSeesNestedStacks guards the test above: nested stacks have no cloud
// assembly artifact of their own, so their findings must show on the parent.
func TestNagSeesNestedStacks(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Probe"), nil)
	nested := awscdk.NewNestedStack(stack, jsii.String("Nested"), nil)
	awss3.NewBucket(nested, jsii.String("Unlogged"), &awss3.BucketProps{EnforceSSL: jsii.Bool(true)})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Reports: jsii.Bool(false)}), nil)
	check(t, "error in nested stack found on the parent", func() {
		assertions.Annotations_FromStack(stack).HasError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-S1")))
	})
}

// allowedSuppressions are the only rules the stack may suppress; each
// suppression names its resource and says why.
var allowedSuppressions = map[string]bool{
	"AwsSolutions-COG1":  true,
	"AwsSolutions-COG2":  true,
	"AwsSolutions-COG8":  true,
	"AwsSolutions-APIG4": true,
	"AwsSolutions-IAM4":  true,
	"AwsSolutions-IAM5":  true,
	"AwsSolutions-S1":    true,
	"AwsSolutions-SQS3":  true,
}

func TestNagSuppressionsAreNarrow(t *testing.T) {
	for name, f := range map[string]*fixture{"dev": dev(t), "prod": prod(t), "scheduled": scheduled(t)} {
		for _, tpl := range f.templates() {
			all := *tpl.ToJSON()
			if md, ok := all["Metadata"].(map[string]interface{}); ok && md["cdk_nag"] != nil {
				t.Errorf("%s: stack-level cdk-nag suppressions: %v", name, md["cdk_nag"])
			}
			for id, raw := range all["Resources"].(map[string]interface{}) {
				md, _ := raw.(map[string]interface{})["Metadata"].(map[string]interface{})
				nag, _ := md["cdk_nag"].(map[string]interface{})
				rules, _ := nag["rules_to_suppress"].([]interface{})
				for _, r := range rules {
					rule := r.(map[string]interface{})
					ruleID, _ := rule["id"].(string)
					reason, _ := rule["reason"].(string)
					if !allowedSuppressions[ruleID] {
						t.Errorf("%s %s: suppression of %s is not on the reviewed list", name, id, ruleID)
					}
					if len(strings.Fields(reason)) < 8 {
						t.Errorf("%s %s: suppression of %s without a real reason: %q", name, id, ruleID, reason)
					}
					applies, _ := rule["applies_to"].([]interface{})
					if (ruleID == "AwsSolutions-IAM4" || ruleID == "AwsSolutions-IAM5") && len(applies) == 0 {
						t.Errorf("%s %s: %s suppressed without appliesTo", name, id, ruleID)
					}
					for _, a := range applies {
						b, _ := json.Marshal(a)
						if s := string(b); strings.Contains(s, "Action::") || s == `"Resource::*"` && ruleID != "AwsSolutions-IAM5" {
							t.Errorf("%s %s: %s suppressed for %s", name, id, ruleID, s)
						}
					}
				}
			}
		}
	}
}
