package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Table is the platform's one DynamoDB table (single-table design): generic key
// names so every item kind shares it, two overloaded GSIs, a stream of new images
// for the outbox, and TTL for tokens and idempotency keys.
type Table struct {
	Scope constructs.Construct
	Table awsdynamodb.Table
}

// Key and index names the runtime's key builders use.
const (
	TableTTLAttribute = "ttl"
	IndexGSI1         = "GSI1"
	IndexGSI2         = "GSI2"
)

// NewTable creates the table.
func NewTable(scope constructs.Construct, id string, cfg Config) *Table {
	c := constructs.NewConstruct(scope, jsii.String(id))
	str := func(name string) *awsdynamodb.Attribute {
		return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
	}
	t := awsdynamodb.NewTable(c, jsii.String("Table"), &awsdynamodb.TableProps{
		PartitionKey: str("PK"),
		SortKey:      str("SK"),
		// On demand: traffic is spiky (office hours, mailings) and small on average.
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:          awsdynamodb.TableEncryption_AWS_MANAGED,
		Stream:              awsdynamodb.StreamViewType_NEW_IMAGE,
		TimeToLiveAttribute: jsii.String(TableTTLAttribute),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		// Protection only where the data is real: with it on, `cdk destroy` of a
		// dev stack would fail.
		DeletionProtection: jsii.Bool(cfg.Prod()),
		RemovalPolicy:      cfg.RemovalPolicy(),
	})
	for _, gsi := range []string{IndexGSI1, IndexGSI2} {
		t.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(gsi),
			PartitionKey:   str(gsi + "PK"),
			SortKey:        str(gsi + "SK"),
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	awscdk.NewCfnOutput(scope, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: t.TableName()})
	return &Table{Scope: c, Table: t}
}
