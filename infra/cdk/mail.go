package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Mail is the SES v2 side of the outbox: the sender identity, a configuration
// set, and the dead-letter queue of stream batches the mail sender gave up on.
type Mail struct {
	Scope            constructs.Construct
	Identity         awsses.EmailIdentity
	ConfigurationSet awsses.ConfigurationSet
	DeadLetterQueue  awssqs.Queue
	From             string
}

// Stream retries before a batch goes to the dead-letter queue; with bisecting,
// a poison record is isolated instead of blocking its neighbours.
const streamRetryAttempts = 5

// NewMail creates the SES identity, the configuration set and the queue.
func NewMail(scope constructs.Construct, id string, cfg Config) *Mail {
	c := constructs.NewConstruct(scope, jsii.String(id))
	cs := awsses.NewConfigurationSet(c, jsii.String("ConfigurationSet"), &awsses.ConfigurationSetProps{
		ConfigurationSetName: jsii.String(cfg.StackName() + "-mail"),
		ReputationMetrics:    jsii.Bool(true),
		SendingEnabled:       jsii.Bool(true),
		TlsPolicy:            awsses.ConfigurationSetTlsPolicy_REQUIRE,
		SuppressionReasons:   awsses.SuppressionReasons_BOUNCES_AND_COMPLAINTS,
	})
	var ident awsses.Identity
	if strings.Contains(cfg.MailIdentity, "@") {
		ident = awsses.Identity_Email(jsii.String(cfg.MailIdentity))
	} else {
		ident = awsses.Identity_Domain(jsii.String(cfg.MailIdentity))
	}
	ei := awsses.NewEmailIdentity(c, jsii.String("Identity"), &awsses.EmailIdentityProps{
		Identity:         ident,
		ConfigurationSet: cs,
	})
	if !strings.Contains(cfg.MailIdentity, "@") {
		// A domain identity is verified by three DKIM CNAME records the city adds
		// to its DNS.
		for n, rec := range []struct{ name, value *string }{
			{ei.DkimDnsTokenName1(), ei.DkimDnsTokenValue1()},
			{ei.DkimDnsTokenName2(), ei.DkimDnsTokenValue2()},
			{ei.DkimDnsTokenName3(), ei.DkimDnsTokenValue3()},
		} {
			awscdk.NewCfnOutput(scope, jsii.String("DkimRecord"+string(rune('1'+n))), &awscdk.CfnOutputProps{
				Value: awscdk.Fn_Join(jsii.String(" CNAME "), &[]*string{rec.name, rec.value}),
			})
		}
	}

	dlq := awssqs.NewQueue(c, jsii.String("DeadLetterQueue"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		RemovalPolicy:   cfg.RemovalPolicy(),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(dlq, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SQS3"),
		Reason: jsii.String("This queue is itself the dead-letter queue (on-failure destination) of the " +
			"stream mappings (mail sender, task runner); its depth is alarmed."),
	}}, jsii.Bool(false))
	return &Mail{Scope: c, Identity: ei, ConfigurationSet: cs, DeadLetterQueue: dlq, From: cfg.MailFrom}
}

// ConfigurationSetArn is the ARN ses:SendEmail checks for the configuration set.
func (m *Mail) ConfigurationSetArn() *string {
	return awscdk.Stack_Of(m.Scope).FormatArn(&awscdk.ArnComponents{
		Service:      jsii.String("ses"),
		Resource:     jsii.String("configuration-set"),
		ResourceName: m.ConfigurationSet.ConfigurationSetName(),
	})
}

// GrantSend lets a function send through this identity and configuration set
// only.
func (m *Mail) GrantSend(grantee awsiam.IGrantable) {
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("ses:SendEmail"),
		ResourceArns: &[]*string{m.Identity.EmailIdentityArn(), m.ConfigurationSetArn()},
	})
}

// FeedFromStream attaches the table's stream to fn, filtered to inserted work
// items whose key starts with prefix (outbox mail, tasks), with retries,
// bisection and the dead-letter queue.
func (m *Mail) FeedFromStream(fn awslambda.Function, table *Table, prefix string) {
	fn.AddEventSource(awslambdaeventsources.NewDynamoEventSource(table.Table, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(10),
		MaxBatchingWindow:       awscdk.Duration_Seconds(jsii.Number(1)),
		RetryAttempts:           jsii.Number(streamRetryAttempts),
		BisectBatchOnError:      jsii.Bool(true),
		ReportBatchItemFailures: jsii.Bool(true),
		MaxRecordAge:            awscdk.Duration_Hours(jsii.Number(24)),
		OnFailure:               awslambdaeventsources.NewSqsDlq(m.DeadLetterQueue),
		Filters: &[]*map[string]interface{}{
			awslambda.FilterCriteria_Filter(&map[string]interface{}{
				"eventName": awslambda.FilterRule_IsEqual(jsii.String("INSERT")),
				"dynamodb": map[string]interface{}{
					"Keys": map[string]interface{}{
						"PK": map[string]interface{}{"S": awslambda.FilterRule_BeginsWith(jsii.String(prefix))},
					},
				},
			}),
		},
	}))
}
