package main

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsschedulertargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Jobs are the functions no route calls: stream consumers (the mail sender) and
// scheduled functions, each with an EventBridge Scheduler schedule.
type Jobs struct {
	Scope     constructs.Construct
	Schedules map[string]awsscheduler.Schedule
	// DeadLetterQueue receives scheduled runs that failed after their retries
	// (nil when no job is scheduled).
	DeadLetterQueue awssqs.Queue
	alarms          *Alarms
}

// Scheduled runs are retried twice by the scheduler (when the invocation
// fails) and by Lambda (when the run fails), then kept in the queue for a
// manual redrive.
const scheduleRetryAttempts = 2

// NewJobs creates the job functions and wires their triggers.
func NewJobs(scope constructs.Construct, id string, cfg Config, fns *Functions, table *Table, mail *Mail, alarms *Alarms, jobs []routes.Job) *Jobs {
	c := constructs.NewConstruct(scope, jsii.String(id))
	j := &Jobs{Scope: c, Schedules: map[string]awsscheduler.Schedule{}, alarms: alarms}
	for _, job := range jobs {
		jc, fn := fns.New(c, FunctionSpec{
			Name:        job.Function,
			Needs:       job.Needs,
			Timeout:     awscdk.Duration_Seconds(jsii.Number(jobTimeoutSec)),
			Description: job.Summary,
		})
		if job.Function == routes.RetentionJob {
			fn.AddEnvironment(jsii.String("DOCUMENT_RETENTION_DAYS"), jsii.String(strconv.Itoa(int(cfg.DocumentRetentionDays))), nil)
		}
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
				"on-failure destination and EventBridge Scheduler target DLQ); its depth is alarmed."),
		}}, jsii.Bool(false))
		j.alarms.WatchQueue(j.Scope, "DeadLetterQueueAlarm", "The scheduled jobs' dead-letter queue", j.DeadLetterQueue)
	}
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(scheduleRetryAttempts),
		OnFailure:     awslambdadestinations.NewSqsDestination(j.DeadLetterQueue),
	})
	// EventBridge Scheduler, not a rule: it runs in the city's time zone
	// (02:00 in Warsaw, summer and winter alike) and hands the run the time it
	// was scheduled for, so a retry acts for the scheduled day.
	tz := job.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	// The scheduler's own role for this job, so its grant names one function.
	role := awsiam.NewRole(scope, jsii.String("SchedulerRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), nil),
		Description: jsii.String("EventBridge Scheduler invokes " + job.Function),
	})
	j.Schedules[job.Function] = awsscheduler.NewSchedule(scope, jsii.String("Schedule"), &awsscheduler.ScheduleProps{
		Description: jsii.String("Runs " + job.Function + ": " + job.Summary),
		Schedule:    awsscheduler.ScheduleExpression_Expression(jsii.String(job.Schedule), awscdk.TimeZone_Of(jsii.String(tz))),
		Target: awsschedulertargets.NewLambdaInvoke(fn, &awsschedulertargets.ScheduleTargetBaseProps{
			Role:            role,
			RetryAttempts:   jsii.Number(scheduleRetryAttempts),
			MaxEventAge:     awscdk.Duration_Hours(jsii.Number(1)),
			DeadLetterQueue: j.DeadLetterQueue,
			Input: awsscheduler.ScheduleTargetInput_FromObject(map[string]any{
				"now": awsscheduler.ContextAttribute_ScheduledTime(),
			}),
		}),
	})
	// After the schedule: its target adds the role's policy.
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("Lambda's grant to invoke names the job function and its versions (<function ARN>:*); " +
			"the scheduler invokes no other function."),
		AppliesTo: &[]interface{}{&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<[^>]*Function[^>]*\.Arn>:\*$/`)}},
	}}, jsii.Bool(true))
}
