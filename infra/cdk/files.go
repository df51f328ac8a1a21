package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Files is the private bucket for photos, documents and attachments, which
// travel through presigned URLs only, and the bucket receiving its access logs.
type Files struct {
	Scope     constructs.Construct
	Bucket    awss3.Bucket
	LogBucket awss3.Bucket
}

// PendingUploadsPrefix holds uploads no application has claimed yet; the
// lifecycle rule removes them after a day.
const PendingUploadsPrefix = "uploads/pending/"

// NewFiles creates both buckets.
func NewFiles(scope constructs.Construct, id string, cfg Config) *Files {
	c := constructs.NewConstruct(scope, jsii.String(id))
	// Dev buckets are emptied on stack deletion so that `cdk destroy` completes.
	autoDelete := jsii.Bool(!cfg.Prod())

	logs := awss3.NewBucket(c, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		// Server access logging delivers only to SSE-S3 buckets.
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     cfg.RemovalPolicy(),
		AutoDeleteObjects: autoDelete,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:         jsii.String("expire-access-logs"),
			Expiration: awscdk.Duration_Days(jsii.Number(cfg.LogRetentionDays)),
		}},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(logs, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-S1"),
		Reason: jsii.String("This is the server access log bucket; logging it into itself would loop."),
	}}, jsii.Bool(false))

	b := awss3.NewBucket(c, jsii.String("Bucket"), &awss3.BucketProps{
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:             jsii.Bool(true),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("files/"),
		RemovalPolicy:          cfg.RemovalPolicy(),
		AutoDeleteObjects:      autoDelete,
		// The portal uploads with presigned POST and shows photos with presigned
		// GET straight from the bucket.
		Cors: &[]*awss3.CorsRule{{
			AllowedOrigins: jsii.Strings(cfg.PortalOrigin),
			AllowedMethods: &[]awss3.HttpMethods{awss3.HttpMethods_GET, awss3.HttpMethods_HEAD, awss3.HttpMethods_POST, awss3.HttpMethods_PUT},
			AllowedHeaders: jsii.Strings("*"),
			ExposedHeaders: jsii.Strings("ETag"),
			MaxAge:         jsii.Number(3600),
		}},
		LifecycleRules: &[]*awss3.LifecycleRule{
			{
				Id:         jsii.String("expire-unclaimed-uploads"),
				Prefix:     jsii.String(PendingUploadsPrefix),
				Expiration: awscdk.Duration_Days(jsii.Number(1)),
			},
			{
				Id:                                  jsii.String("abort-incomplete-multipart-uploads"),
				AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
			},
		},
	})
	awscdk.NewCfnOutput(scope, jsii.String("FilesBucketName"), &awscdk.CfnOutputProps{Value: b.BucketName()})
	return &Files{Scope: c, Bucket: b, LogBucket: logs}
}

func (f *Files) objects() *[]*string {
	return &[]*string{f.Bucket.ArnForObjects(jsii.String("*"))}
}

// GrantRead allows presigned GET and HEAD (reading an upload's first bytes).
func (f *Files) GrantRead(grantee awsiam.IGrantable) {
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee: grantee, Actions: jsii.Strings("s3:GetObject"), ResourceArns: f.objects(),
	})
}

// GrantWrite allows presigned POST and removing an object; moving an upload
// from pending to its owner is a copy (read + write) and a delete.
func (f *Files) GrantWrite(grantee awsiam.IGrantable) {
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee: grantee, Actions: jsii.Strings("s3:PutObject", "s3:DeleteObject"), ResourceArns: f.objects(),
	})
}
