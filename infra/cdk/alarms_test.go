package main

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestAlarms(t *testing.T) {
	f := dev(t)
	check(t, "topic encrypted with a rotating customer managed key", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::SNS::Topic"), obj(map[string]interface{}{
			"KmsMasterKeyId": map[string]interface{}{"Fn::GetAtt": []interface{}{assertions.Match_StringLikeRegexp(jsii.String("^AlarmsTopicKey")), "Arn"}},
		}))
		f.parent.HasResourceProperties(jsii.String("AWS::KMS::Key"), obj(map[string]interface{}{
			"EnableKeyRotation": true,
			"KeyPolicy": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"Statement": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(obj(map[string]interface{}{
					"Principal": map[string]interface{}{"Service": "cloudwatch.amazonaws.com"},
				}))}),
			})),
		}))
	})
	check(t, "topic refuses publishing without TLS", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), obj(map[string]interface{}{
			"PolicyDocument": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"Statement": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(obj(map[string]interface{}{
					"Effect":    "Deny",
					"Condition": map[string]interface{}{"Bool": map[string]interface{}{"aws:SecureTransport": "false"}},
				}))}),
			})),
		}))
	})
	check(t, "no subscription without alarmEmail", func() {
		f.parent.ResourceCountIs(jsii.String("AWS::SNS::Subscription"), jsii.Number(0))
	})
	check(t, "prod subscribes alarmEmail", func() {
		prod(t).parent.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), obj(map[string]interface{}{
			"Protocol": "email", "Endpoint": "ops@example.pl",
		}))
	})

	alarms := resources(f.templates(), "AWS::CloudWatch::Alarm")
	count := map[string]int{}
	for _, a := range alarms {
		p := props(a)
		count[p["Namespace"].(string)+" "+p["MetricName"].(string)]++
		actions, _ := p["AlarmActions"].([]interface{})
		if len(actions) != 1 {
			t.Errorf("alarm %v has actions %v, want the topic", p["AlarmDescription"], actions)
		}
	}
	fns := len(f.platform.Functions)
	for metric, want := range map[string]int{
		"AWS/Lambda Errors":    fns,
		"AWS/Lambda Throttles": fns,
		"AWS/ApiGateway 5xx":   1,
		// Every queue is a dead-letter queue (the mail sender's, the scheduled jobs').
		"AWS/SQS ApproximateNumberOfMessagesVisible": len(resources(f.templates(), "AWS::SQS::Queue")),
	} {
		if count[metric] != want {
			t.Errorf("%d alarms on %s, want %d", count[metric], metric, want)
		}
	}
	check(t, "API 5xx alarm", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), obj(map[string]interface{}{
			"MetricName": "5xx", "Statistic": "Sum", "Threshold": 1,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
		}))
	})
}
