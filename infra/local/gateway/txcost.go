package gateway

import (
	"context"
	"math"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB Local reports a TransactWriteItems as 4 write units per KB of one
// item, whatever the number of items (1 item of 100 B: 4; 4 items: 4; a
// ConditionCheck and a Put: 4), where AWS charges 2 write units per KB of each
// item ("transactional write requests require 2 write request units per write
// of up to 1 KB"). Local's standard reads and writes, index writes included,
// and its transactional reads agree with AWS's rules, so only transactional
// writes are priced here, from the items' sizes by AWS's rules: each action
// (Put, Update, Delete, ConditionCheck) 2 units per KB of the larger of the
// item before and after, and 2 more per KB for each global secondary index
// whose key the item has before or after (every index projects all
// attributes). An update that moves an item within an index is a delete and a
// put there on AWS; it is counted once here.

// txPricer reads the items a transaction touches, before and after it, with a
// client of its own that is neither counted nor given faults.
type txPricer struct {
	once sync.Once
	opts *dynamodb.Options
	db   *dynamodb.Client
}

func (p *txPricer) client() *dynamodb.Client {
	p.once.Do(func() {
		p.db = dynamodb.New(dynamodb.Options{Region: p.opts.Region, BaseEndpoint: p.opts.BaseEndpoint,
			Credentials: p.opts.Credentials, HTTPClient: p.opts.HTTPClient, DisableValidateResponseChecksum: true})
	})
	return p.db
}

// txAction is one action's key and, for a Put, its new item.
type txAction struct {
	table  string
	key    map[string]types.AttributeValue
	put    map[string]types.AttributeValue
	update bool
}

func txActions(in *dynamodb.TransactWriteItemsInput) []txAction {
	var out []txAction
	for _, it := range in.TransactItems {
		switch {
		case it.Put != nil:
			out = append(out, txAction{table: aws.ToString(it.Put.TableName), put: it.Put.Item})
		case it.Update != nil:
			out = append(out, txAction{table: aws.ToString(it.Update.TableName), key: it.Update.Key, update: true})
		case it.Delete != nil:
			out = append(out, txAction{table: aws.ToString(it.Delete.TableName), key: it.Delete.Key})
		case it.ConditionCheck != nil:
			out = append(out, txAction{table: aws.ToString(it.ConditionCheck.TableName), key: it.ConditionCheck.Key})
		}
	}
	for i, a := range out {
		if a.put != nil {
			out[i].key = map[string]types.AttributeValue{"PK": a.put["PK"], "SK": a.put["SK"]}
		}
	}
	return out
}

// items reads the actions' items as they are now (nil where missing).
func (p *txPricer) items(ctx context.Context, acts []txAction) []map[string]types.AttributeValue {
	out := make([]map[string]types.AttributeValue, len(acts))
	for i, a := range acts {
		res, err := p.client().GetItem(ctx, &dynamodb.GetItemInput{TableName: &a.table, Key: a.key, ConsistentRead: aws.Bool(true)})
		if err == nil {
			out[i] = res.Item
		}
	}
	return out
}

// txWriteUnits prices a committed transaction: before holds the items read
// before it, after the items read after it.
func txWriteUnits(acts []txAction, before, after []map[string]types.AttributeValue) float64 {
	var units float64
	for i, a := range acts {
		items := []map[string]types.AttributeValue{before[i]}
		if a.put != nil {
			items = append(items, a.put)
		}
		if a.update {
			items = append(items, after[i])
		}
		size := 0
		indexes := map[string]bool{}
		for _, it := range items {
			size = max(size, ItemSize(it))
			for name := range it {
				if strings.HasPrefix(name, "GSI") && strings.HasSuffix(name, "PK") {
					indexes[name] = true
				}
			}
		}
		kb := math.Max(1, math.Ceil(float64(size)/1024))
		units += 2 * kb * float64(1+len(indexes))
	}
	return units
}

// ItemSize is an item's size by DynamoDB's rules: each attribute's name and
// value; strings and binaries by their bytes, numbers about one byte per two
// significant digits plus one, booleans and nulls one byte, lists and maps 3
// bytes plus one per element.
func ItemSize(item map[string]types.AttributeValue) int {
	n := 0
	for name, v := range item {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return numberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += numberSize(s)
		}
		return n
	case *types.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	}
	return 0
}

func numberSize(s string) int {
	digits := 0
	for _, r := range strings.TrimLeft(strings.TrimLeft(s, "-+"), "0.") {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return (digits+1)/2 + 1
}
