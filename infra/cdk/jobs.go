package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Jobs are the functions no route calls: stream consumers (the mail sender) and
// scheduled functions, each with an EventBridge rule.
type Jobs struct {
	Scope constructs.Construct
	Rules map[string]awsevents.Rule
	// DeadLetterQueue receives scheduled runs that failed after their retries
	// (nil when no job is scheduled).
	DeadLetterQueue awssqs.Queue
	alarms          *Alarms
}

// Scheduled runs are retried twice by Lambda, then kept in the queue for a
// manual redrive.
const scheduleRetryAttempts = 2

// NewJobs creates the job functions and wires their triggers.
func NewJobs(scope constructs.Construct, id string, cfg Config, fns *Functions, table *Table, mail *Mail, alarms *Alarms, jobs []routes.Job) *Jobs {
	c := constructs.NewConstruct(scope, jsii.String(id))
	j := &Jobs{Scope: c, Rules: map[string]awsevents.Rule{}, alarms: alarms}
	for _, job := range jobs {
		jc, fn := fns.New(c, FunctionSpec{
			Name:        job.Function,
			Needs:       job.Needs,
			Timeout:     awscdk.Duration_Seconds(jsii.Number(jobTimeoutSec)),
			Description: job.Summary,
		})
		if job.Stream != "" {
			mail.FeedFromStream(fn, table, job.Stream)
		}
		if job.Schedule != "" {
			j.schedule(jc, cfg, fn, job)
		}
	}
	return j
}

func (j *Jobs) schedule(scope constructs.Construct, cfg Config, fn awslambda.Function, job routes.Job) {
	if j.DeadLetterQueue == nil {
		j.DeadLetterQueue = awssqs.NewQueue(j.Scope, jsii.String("DeadLetterQueue"), &awssqs.QueueProps{
			Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:      jsii.Bool(true),
			RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
			RemovalPolicy:   cfg.RemovalPolicy(),
		})
		cdknag.NagSuppressions_AddResourceSuppressions(j.DeadLetterQueue, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-SQS3"),
			Reason: jsii.String("This queue is itself the dead-letter queue of the scheduled jobs (Lambda " +
				"on-failure destination and EventBridge target DLQ); its depth is alarmed."),
		}}, jsii.Bool(false))
		j.alarms.WatchQueue(j.Scope, "DeadLetterQueueAlarm", "The scheduled jobs' dead-letter queue", j.DeadLetterQueue)
	}
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(scheduleRetryAttempts),
		OnFailure:     awslambdadestinations.NewSqsDestination(j.DeadLetterQueue),
	})
	j.Rules[job.Function] = awsevents.NewRule(scope, jsii.String("Schedule"), &awsevents.RuleProps{
		Description: jsii.String("Runs " + job.Function + ": " + job.Summary),
		Schedule:    awsevents.Schedule_Expression(jsii.String(job.Schedule)),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			RetryAttempts:   jsii.Number(scheduleRetryAttempts),
			MaxEventAge:     awscdk.Duration_Hours(jsii.Number(1)),
			DeadLetterQueue: j.DeadLetterQueue,
		})},
	})
}
