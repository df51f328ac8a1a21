package gateway_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/infra/local/gateway"
	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// The capacity the gateway reports per request (the bench's cost per route):
// DynamoDB Local's figures for standard calls and transactional reads, and
// transactional writes priced by AWS's rule (2 units per KB of each item and
// of each index it is in), since Local reports 4 units per transaction
// whatever its items.
func TestCapacityFollowsAWSRules(t *testing.T) {
	e := testenv.Get(t)
	db := dynamodb.NewFromConfig(e.AWS, gateway.CountCalls, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	tbl := &e.Resources.Table
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	item := func(pk string, size int, gsi bool) map[string]types.AttributeValue {
		m := map[string]types.AttributeValue{"PK": s(pk), "SK": s("x"), "pad": s(strings.Repeat("a", size))}
		if gsi {
			m["GSI1PK"], m["GSI1SK"] = s(pk), s("x")
		}
		return m
	}
	put := func(its ...map[string]types.AttributeValue) func(context.Context) error {
		return func(ctx context.Context) error {
			var ws []types.TransactWriteItem
			for _, it := range its {
				ws = append(ws, types.TransactWriteItem{Put: &types.Put{TableName: tbl, Item: it}})
			}
			_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: ws})
			return err
		}
	}
	key := func(pk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"PK": s(pk), "SK": s("x")}
	}
	cases := []struct {
		name        string
		call        func(context.Context) error
		read, write float64
	}{
		{"put 100 B", func(ctx context.Context) error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: item("cap#1", 100, false)})
			return err
		}, 0, 1},
		{"put 3,000 B", func(ctx context.Context) error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: item("cap#2", 3000, false)})
			return err
		}, 0, 3},
		{"put 100 B in an index", func(ctx context.Context) error {
			_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: tbl, Item: item("cap#3", 100, true)})
			return err
		}, 0, 2},
		{"transaction of 1 item", put(item("cap#4", 100, false)), 0, 2},
		{"transaction of 3 items", put(item("cap#5", 100, false), item("cap#6", 100, false), item("cap#7", 100, false)), 0, 6},
		{"transaction of 1 item in an index", put(item("cap#8", 100, true)), 0, 4},
		{"transaction of 3,000 B replacing 3,000 B", put(item("cap#2", 100, false)), 0, 6},
		{"transactional update and condition check", func(ctx context.Context) error {
			_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Update: &types.Update{TableName: tbl, Key: key("cap#1"), UpdateExpression: aws.String("SET b = :b"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":b": s("b")}}},
				{ConditionCheck: &types.ConditionCheck{TableName: tbl, Key: key("cap#3"), ConditionExpression: aws.String("attribute_exists(PK)")}},
			}})
			return err
		}, 0, 6},
		{"eventually consistent get of 3,000 B", func(ctx context.Context) error {
			_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: key("cap#6")})
			return err
		}, 0.5, 0},
		{"strongly consistent get", func(ctx context.Context) error {
			_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: tbl, Key: key("cap#6"), ConsistentRead: aws.Bool(true)})
			return err
		}, 1, 0},
		{"transactional get", func(ctx context.Context) error {
			_, err := db.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{{Get: &types.Get{TableName: tbl, Key: key("cap#6")}}}})
			return err
		}, 2, 0},
	}
	for _, c := range cases {
		ctx, u := gateway.WithUsage(context.Background())
		if err := c.call(ctx); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		calls, read, write, wire := u.Snapshot()
		if calls != 1 || read != c.read || write != c.write || wire <= 0 {
			t.Errorf("%s: %d calls, read %g write %g (%v); want 1, read %g write %g", c.name, calls, read, write, wire, c.read, c.write)
		}
	}
	// Through the gateway: the answer carries them.
	res := e.Call(t, "GET", "/consents/clauses", "", nil)
	if res.Status != 200 || res.Calls == 0 || res.ReadUnits <= 0 || res.WriteUnits != 0 || res.Dynamo <= 0 || res.Function < res.Dynamo {
		t.Errorf("GET /consents/clauses: %d, %d calls, read %g write %g, DynamoDB %v, function %v", res.Status, res.Calls,
			res.ReadUnits, res.WriteUnits, res.Dynamo, res.Function)
	}
}
