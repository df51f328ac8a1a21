package main

import (
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Function defaults.
const (
	functionMemoryMB = 256
	routeTimeoutSec  = 10
	jobTimeoutSec    = 60
)

// Environment variable names the functions read.
const (
	EnvStage                = "STAGE"
	EnvTableName            = "TABLE_NAME"
	EnvUserPoolID           = "USER_POOL_ID"
	EnvUserPoolClientID     = "USER_POOL_CLIENT_ID"
	EnvFilesBucket          = "FILES_BUCKET"
	EnvMailFrom             = "MAIL_FROM"
	EnvMailConfigurationSet = "MAIL_CONFIGURATION_SET"
	EnvPortalURL            = "PORTAL_URL"
	EnvSigningKeyID         = "SIGNING_KEY_ID"
	EnvDecisionServiceDays  = "DECISION_SERVICE_DAYS"
)

// Functions builds the Lambda functions, every one the same way: code from
// build/functions/<name>, its own log group, role, grants and alarms.
type Functions struct {
	cfg      Config
	dirs     map[string]string
	table    *Table
	identity *Identity
	mail     *Mail
	files    *Files
	signing  *Signing
	alarms   *Alarms
	// ByName holds every function made, by its function name.
	ByName map[string]awslambda.Function
}

// FunctionSpec is what differs between functions.
type FunctionSpec struct {
	Name        string
	Needs       routes.Needs
	Timeout     awscdk.Duration
	Description string
}

// constructID turns a function name (verb-noun) into a construct id (VerbNoun).
func constructID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// Environment returns the variables a function with these needs gets: only
// what it uses.
func (f *Functions) Environment(needs routes.Needs) map[string]*string {
	env := map[string]*string{EnvStage: jsii.String(f.cfg.Stage)}
	if needs.Table != routes.NoTable {
		env[EnvTableName] = f.table.Table.TableName()
	}
	if needs.Identity {
		env[EnvUserPoolID] = f.identity.Pool.UserPoolId()
		env[EnvUserPoolClientID] = f.identity.Client.UserPoolClientId()
	}
	if needs.FilesRead || needs.FilesWrite {
		env[EnvFilesBucket] = f.files.Bucket.BucketName()
	}
	if needs.Mail {
		env[EnvMailFrom] = jsii.String(f.mail.From)
		env[EnvMailConfigurationSet] = f.mail.ConfigurationSet.ConfigurationSetName()
	}
	// Links in mails are made where the mailed token is made (any writer) or
	// where the mail is rendered.
	if needs.Mail || needs.Table == routes.WriteTable {
		env[EnvPortalURL] = jsii.String(f.cfg.PortalURL)
		// Writers may submit applications, which carry the expected decision day.
		env[EnvDecisionServiceDays] = jsii.String(strconv.Itoa(int(f.cfg.DecisionServiceDays)))
	}
	if needs.Signing && f.signing != nil {
		env[EnvSigningKeyID] = f.signing.Key.KeyArn()
	}
	return env
}

// New creates one function under scope, in a construct named after it.
func (f *Functions) New(scope constructs.Construct, spec FunctionSpec) (constructs.Construct, awslambda.Function) {
	c := constructs.NewConstruct(scope, jsii.String(constructID(spec.Name)))
	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{
		Retention:     f.cfg.LogRetention,
		RemovalPolicy: f.cfg.RemovalPolicy(),
	})
	env := f.Environment(spec.Needs)
	desc := spec.Description
	if r := []rune(desc); len(r) > 256 { // Lambda's limit
		desc = string(r[:256])
	}
	fn := awslambda.NewFunction(c, jsii.String("Function"), &awslambda.FunctionProps{
		Description:  jsii.String(desc),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(f.dirs[spec.Name]), nil),
		MemorySize:   jsii.Number(functionMemoryMB),
		Timeout:      spec.Timeout,
		Tracing:      awslambda.Tracing_ACTIVE,
		// slog writes JSON; with the JSON format Lambda keeps it structured and
		// filters by its level field.
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel_INFO,
		LogGroup:              logs,
		Environment:           &env,
	})

	needs := spec.Needs
	suppressions := []*cdknag.NagPackSuppression{
		{
			Id: jsii.String("AwsSolutions-IAM4"),
			Reason: jsii.String("AWSLambdaBasicExecutionRole only lets the function write its own logs; " +
				"it is the AWS-maintained minimum for Lambda."),
			AppliesTo: &[]interface{}{
				jsii.String("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
			},
		},
		{
			Id: jsii.String("AwsSolutions-IAM5"),
			Reason: jsii.String("X-Ray's PutTraceSegments and PutTelemetryRecords (and, for a stream consumer, " +
				"dynamodb:ListStreams) support no resource-level permissions; every other statement names its resource."),
			AppliesTo: &[]interface{}{jsii.String("Resource::*")},
		},
	}
	switch needs.Table {
	case routes.ReadTable:
		f.table.Table.GrantReadData(fn)
	case routes.WriteTable:
		f.table.Table.GrantReadWriteData(fn)
	}
	if needs.Table != routes.NoTable {
		suppressions = append(suppressions, &cdknag.NagPackSuppression{
			Id:     jsii.String("AwsSolutions-IAM5"),
			Reason: jsii.String("The table's own GSIs (GSI1, GSI2) are addressed as <table ARN>/index/*; no other table."),
			AppliesTo: &[]interface{}{
				&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<[^>]*Table[^>]*Arn>\/index\/\*$/`)},
			},
		})
	}
	if needs.Identity {
		f.identity.GrantAdmin(fn)
	}
	if needs.FilesRead {
		f.files.GrantRead(fn)
	}
	if needs.FilesWrite {
		f.files.GrantWrite(fn)
	}
	if needs.FilesRead || needs.FilesWrite {
		suppressions = append(suppressions, &cdknag.NagPackSuppression{
			Id: jsii.String("AwsSolutions-IAM5"),
			Reason: jsii.String("Object keys in the files bucket are made at run time (<bucket ARN>/*); " +
				"the actions are named (s3:GetObject, s3:PutObject, s3:DeleteObject), only this bucket."),
			AppliesTo: &[]interface{}{
				&cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<[^>]*FilesBucket[^>]*Arn>\/\*$/`)},
			},
		})
	}
	if needs.Mail {
		f.mail.GrantSend(fn)
	}
	if needs.Signing && f.signing != nil {
		f.signing.Grant(fn)
	}
	// On the role and its default policy only.
	cdknag.NagSuppressions_AddResourceSuppressions(fn.Role(), &suppressions, jsii.Bool(true))

	f.alarms.WatchFunction(c, spec.Name, fn)
	f.ByName[spec.Name] = fn
	return c, fn
}
