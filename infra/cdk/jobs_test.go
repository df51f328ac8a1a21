package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// TestJobsFromTable: every job of routes.Jobs is wired as its row says.
func TestJobsFromTable(t *testing.T) {
	f := dev(t)
	fns := functionsOf(t, f)
	stream, scheduled := 0, 0
	for _, j := range routes.Jobs {
		fi, ok := fns[j.Function]
		if !ok {
			t.Errorf("no function for job %s", j.Function)
			continue
		}
		if fi.props["Timeout"] != float64(jobTimeoutSec) {
			t.Errorf("job %s timeout %v", j.Function, fi.props["Timeout"])
		}
		if j.Stream != "" {
			stream++
		}
		if j.Schedule != "" {
			scheduled++
			check(t, "schedule of "+j.Function, func() {
				f.parent.HasResourceProperties(jsii.String("AWS::Scheduler::Schedule"), obj(map[string]interface{}{
					"ScheduleExpression":         j.Schedule,
					"ScheduleExpressionTimezone": j.TimeZone,
				}))
			})
		}
	}
	check(t, "one stream mapping per stream job", func() {
		f.parent.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(float64(stream)))
	})
	check(t, "one schedule per scheduled job", func() {
		f.parent.ResourceCountIs(jsii.String("AWS::Scheduler::Schedule"), jsii.Number(float64(scheduled)))
	})
	if scheduled == 0 {
		t.Error("no scheduled job: entitlements-expiry runs daily (R13.1)")
	}
}

// TestScheduledJob wires a scheduled job that the route table does not have
// yet, on a small table of its own.
func TestScheduledJob(t *testing.T) {
	f := scheduled(t)
	check(t, "a schedule at 02:00 in Warsaw, targeting the function with retries, a DLQ and the scheduled time", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::Scheduler::Schedule"), obj(map[string]interface{}{
			"ScheduleExpression":         "cron(0 2 * * ? *)",
			"ScheduleExpressionTimezone": "Europe/Warsaw",
			"State":                      "ENABLED",
			"Target": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"Arn": map[string]interface{}{"Fn::GetAtt": []interface{}{
					assertions.Match_StringLikeRegexp(jsii.String("^JobsEntitlementsExpiryFunction")), "Arn",
				}},
				"RetryPolicy":      map[string]interface{}{"MaximumRetryAttempts": scheduleRetryAttempts, "MaximumEventAgeInSeconds": 3600},
				"DeadLetterConfig": map[string]interface{}{"Arn": map[string]interface{}{"Fn::GetAtt": []interface{}{assertions.Match_StringLikeRegexp(jsii.String("^JobsDeadLetterQueue")), "Arn"}}},
				"Input":            `{"now":"<aws.scheduler.scheduled-time>"}`,
			})),
		}))
	})
	check(t, "failed runs go to the jobs DLQ", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), obj(map[string]interface{}{
			"MaximumRetryAttempts": scheduleRetryAttempts,
			"DestinationConfig": map[string]interface{}{"OnFailure": map[string]interface{}{"Destination": map[string]interface{}{
				"Fn::GetAtt": []interface{}{assertions.Match_StringLikeRegexp(jsii.String("^JobsDeadLetterQueue")), "Arn"},
			}}},
		}))
	})
	check(t, "jobs DLQ depth alarm", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj(map[string]interface{}{
			"MetricName": "ApproximateNumberOfMessagesVisible",
			"Dimensions": []interface{}{map[string]interface{}{"Name": "QueueName", "Value": map[string]interface{}{
				"Fn::GetAtt": []interface{}{assertions.Match_StringLikeRegexp(jsii.String("^JobsDeadLetterQueue")), "QueueName"},
			}}},
		}))
	})
	fns := functionsOf(t, f)
	if fi := fns["entitlements-expiry"]; fi.props["Timeout"] != float64(jobTimeoutSec) {
		t.Errorf("scheduled job timeout %v", fi.props["Timeout"])
	}

	// A route that needs the signing key gets the ES256 key and nothing else does.
	check(t, "ES256 signing key", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::KMS::Key"), obj(map[string]interface{}{
			"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY",
		}))
	})
	qr := fns["get-qr"]
	if !qr.actions()["kms:Sign"] || !qr.actions()["kms:GetPublicKey"] || qr.env()[EnvSigningKeyID] == nil {
		t.Errorf("get-qr lacks the signing key: %v %v", qr.actions(), qr.env())
	}
	for _, s := range qr.statements {
		if b, _ := json.Marshal(s["Action"]); strings.Contains(string(b), "kms:") {
			if r, _ := json.Marshal(s["Resource"]); !strings.Contains(string(r), "SigningKey") {
				t.Errorf("kms actions on %s, want the signing key", r)
			}
		}
	}
	if fns["health"].actions()["kms:Sign"] {
		t.Error("health may sign")
	}
}
