package main

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestFiles(t *testing.T) {
	f := dev(t)
	blocked := map[string]interface{}{
		"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
	}
	sse := map[string]interface{}{"ServerSideEncryptionConfiguration": []interface{}{
		map[string]interface{}{"ServerSideEncryptionByDefault": map[string]interface{}{"SSEAlgorithm": "AES256"}},
	}}
	check(t, "files bucket", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::S3::Bucket"), obj(map[string]interface{}{
			"PublicAccessBlockConfiguration": blocked,
			"BucketEncryption":               sse,
			"LoggingConfiguration": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"DestinationBucketName": assertions.Match_AnyValue(),
				"LogFilePrefix":         "files/",
			})),
			"CorsConfiguration": map[string]interface{}{"CorsRules": []interface{}{assertions.Match_ObjectLike(obj(map[string]interface{}{
				"AllowedOrigins": []interface{}{"http://localhost:5173"},
				"AllowedMethods": assertions.Match_ArrayWith(&[]interface{}{"GET", "POST", "PUT"}),
			}))}},
			"LifecycleConfiguration": map[string]interface{}{"Rules": assertions.Match_ArrayWith(&[]interface{}{
				assertions.Match_ObjectLike(obj(map[string]interface{}{
					"Prefix": "uploads/pending/", "ExpirationInDays": 1, "Status": "Enabled",
				})),
				assertions.Match_ObjectLike(obj(map[string]interface{}{
					"AbortIncompleteMultipartUpload": map[string]interface{}{"DaysAfterInitiation": 1}, "Status": "Enabled",
				})),
			})},
		}))
	})
	check(t, "log bucket private and encrypted", func() {
		f.parent.ResourcePropertiesCountIs(jsii.String("AWS::S3::Bucket"), obj(map[string]interface{}{
			"PublicAccessBlockConfiguration": blocked,
			"BucketEncryption":               sse,
		}), jsii.Number(2))
	})
	check(t, "TLS only on both buckets", func() {
		f.parent.ResourcePropertiesCountIs(jsii.String("AWS::S3::BucketPolicy"), obj(map[string]interface{}{
			"PolicyDocument": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"Statement": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(obj(map[string]interface{}{
					"Effect":    "Deny",
					"Action":    "s3:*",
					"Condition": map[string]interface{}{"Bool": map[string]interface{}{"aws:SecureTransport": "false"}},
				}))}),
			})),
		}), jsii.Number(2))
	})
	check(t, "dev buckets are emptied and deleted", func() {
		f.parent.ResourceCountIs(jsii.String("Custom::S3AutoDeleteObjects"), jsii.Number(2))
		f.parent.AllResources(jsii.String("AWS::S3::Bucket"), obj(map[string]interface{}{"DeletionPolicy": "Delete"}))
	})
	p := prod(t)
	check(t, "prod buckets are retained", func() {
		p.parent.ResourceCountIs(jsii.String("Custom::S3AutoDeleteObjects"), jsii.Number(0))
		p.parent.AllResources(jsii.String("AWS::S3::Bucket"), obj(map[string]interface{}{"DeletionPolicy": "Retain"}))
	})
	check(t, "prod CORS origin", func() {
		p.parent.HasResourceProperties(jsii.String("AWS::S3::Bucket"), obj(map[string]interface{}{
			"CorsConfiguration": map[string]interface{}{"CorsRules": []interface{}{assertions.Match_ObjectLike(obj(map[string]interface{}{
				"AllowedOrigins": []interface{}{"https://karta.example.pl"},
			}))}},
		}))
	})
}
