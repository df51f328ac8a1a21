package main

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func obj(m map[string]interface{}) *map[string]interface{} { return &m }

func TestTable(t *testing.T) {
	f := dev(t)
	check(t, "one table", func() { f.parent.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(1)) })
	key := func(pk, sk string) []interface{} {
		return []interface{}{
			map[string]interface{}{"AttributeName": pk, "KeyType": "HASH"},
			map[string]interface{}{"AttributeName": sk, "KeyType": "RANGE"},
		}
	}
	gsi := func(name string) interface{} {
		return assertions.Match_ObjectLike(obj(map[string]interface{}{
			"IndexName":  name,
			"KeySchema":  key(name+"PK", name+"SK"),
			"Projection": map[string]interface{}{"ProjectionType": "ALL"},
		}))
	}
	var attrs []interface{}
	for _, a := range []string{"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"} {
		attrs = append(attrs, map[string]interface{}{"AttributeName": a, "AttributeType": "S"})
	}
	check(t, "table properties", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), obj(map[string]interface{}{
			"KeySchema":                        key("PK", "SK"),
			"AttributeDefinitions":             assertions.Match_ArrayWith(&attrs),
			"BillingMode":                      "PAY_PER_REQUEST",
			"StreamSpecification":              map[string]interface{}{"StreamViewType": "NEW_IMAGE"},
			"TimeToLiveSpecification":          map[string]interface{}{"AttributeName": "ttl", "Enabled": true},
			"PointInTimeRecoverySpecification": map[string]interface{}{"PointInTimeRecoveryEnabled": true},
			"GlobalSecondaryIndexes":           []interface{}{gsi("GSI1"), gsi("GSI2")},
		}))
	})
	check(t, "dev table: no deletion protection, deleted with the stack", func() {
		f.parent.HasResource(jsii.String("AWS::DynamoDB::Table"), obj(map[string]interface{}{
			"DeletionPolicy": "Delete",
			"Properties":     assertions.Match_ObjectLike(obj(map[string]interface{}{"DeletionProtectionEnabled": false})),
		}))
	})
	p := prod(t)
	check(t, "prod table: deletion protection, retained", func() {
		p.parent.HasResource(jsii.String("AWS::DynamoDB::Table"), obj(map[string]interface{}{
			"DeletionPolicy":      "Retain",
			"UpdateReplacePolicy": "Retain",
			"Properties":          assertions.Match_ObjectLike(obj(map[string]interface{}{"DeletionProtectionEnabled": true})),
		}))
	})
}
