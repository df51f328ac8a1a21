package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Alarms is the operations topic and the alarms that publish to it.
type Alarms struct {
	Scope  constructs.Construct
	Topic  awssns.Topic
	Key    awskms.Key
	action awscloudwatch.IAlarmAction
}

// alarmPeriod: one five-minute window; every alarm fires on the first
// occurrence, since a 5xx or a function error here is always a defect. (A
// function, not a variable: a jsii call at package init would start the jsii
// runtime before main can configure it.)
func alarmPeriod() awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(5)) }

// NewAlarms creates the encrypted topic (TLS-only publishing) and, when an
// address is configured, its e-mail subscription.
func NewAlarms(scope constructs.Construct, id string, cfg Config) *Alarms {
	c := constructs.NewConstruct(scope, jsii.String(id))
	// A customer managed key: CloudWatch cannot publish to a topic encrypted
	// with the AWS managed SNS key.
	key := awskms.NewKey(c, jsii.String("TopicKey"), &awskms.KeyProps{
		Description:       jsii.String(cfg.StackName() + " alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     cfg.RemovalPolicy(),
		PendingWindow:     awscdk.Duration_Days(jsii.Number(7)),
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarms"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
	}), nil)
	topic := awssns.NewTopic(c, jsii.String("Topic"), &awssns.TopicProps{
		DisplayName: jsii.String(cfg.StackName() + " alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	if cfg.AlarmEmail != "" {
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(cfg.AlarmEmail), nil))
	}
	awscdk.NewCfnOutput(scope, jsii.String("AlarmTopicArn"), &awscdk.CfnOutputProps{Value: topic.TopicArn()})
	return &Alarms{Scope: c, Topic: topic, Key: key, action: awscloudwatchactions.NewSnsAction(topic)}
}

func (a *Alarms) alarm(scope constructs.Construct, id, desc string, metric awscloudwatch.IMetric) awscloudwatch.Alarm {
	al := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmDescription:   jsii.String(desc),
		Metric:             metric,
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	al.AddAlarmAction(a.action)
	return al
}

func sum() *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Period: alarmPeriod(), Statistic: jsii.String("Sum")}
}

// WatchFunction adds the error and throttle alarms of one function, next to it
// (in the same stack, so no cross-stack reference per function).
func (a *Alarms) WatchFunction(scope constructs.Construct, name string, fn awslambda.Function) {
	a.alarm(scope, "ErrorsAlarm", "Function "+name+" returned errors", fn.MetricErrors(sum()))
	a.alarm(scope, "ThrottlesAlarm", "Function "+name+" was throttled", fn.MetricThrottles(sum()))
}

// WatchQueue alarms as soon as a dead-letter queue holds a message.
func (a *Alarms) WatchQueue(scope constructs.Construct, id, what string, q awssqs.IQueue) {
	a.alarm(scope, id, what+" has messages", q.MetricApproximateNumberOfMessagesVisible(
		&awscloudwatch.MetricOptions{Period: alarmPeriod(), Statistic: jsii.String("Maximum")}))
}

// Watch adds an alarm on any metric (used for the API's 5xx count).
func (a *Alarms) Watch(scope constructs.Construct, id, desc string, metric awscloudwatch.IMetric) {
	a.alarm(scope, id, desc, metric)
}
