// Package store is the DynamoDB adapter: the table's keys (keys.go), its items
// and the transaction builder that carries, with every write, the client error to
// answer when its condition fails.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/apierr"
)

// API is the part of the DynamoDB client the store uses.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Table is the platform's one table.
type Table struct {
	DB   API
	Name string
	Now  func() time.Time
}

// New returns the table with the real clock.
func New(db API, name string) *Table { return &Table{DB: db, Name: name, Now: time.Now} }

// ErrNotFound is returned by Get for a missing item.
var ErrNotFound = errors.New("store: item not found")

// Get reads one item, strongly consistent (state checks must see the last write).
func (t *Table) Get(ctx context.Context, k Key, out any) error {
	res, err := t.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &t.Name,
		Key:            k.av(),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return wrap(err)
	}
	if res.Item == nil {
		return ErrNotFound
	}
	return attributevalue.UnmarshalMap(res.Item, out)
}

// Query runs a key-condition query and unmarshals the items into out (a slice
// pointer). It returns the key to continue from, nil at the end.
type QueryInput struct {
	Index      string
	KeyCond    expression.KeyConditionBuilder
	Filter     *expression.ConditionBuilder
	Limit      int32
	Forward    bool
	StartKey   map[string]types.AttributeValue
	Consistent bool
}

func (t *Table) Query(ctx context.Context, q QueryInput, out any) (map[string]types.AttributeValue, error) {
	items, next, err := t.QueryItems(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := attributevalue.UnmarshalListOfMaps(items, out); err != nil {
		return nil, err
	}
	return next, nil
}

// QueryItems is Query without unmarshalling, for a query whose items are of
// several kinds (they are told apart by their sort keys).
func (t *Table) QueryItems(ctx context.Context, q QueryInput) ([]map[string]types.AttributeValue, map[string]types.AttributeValue, error) {
	b := expression.NewBuilder().WithKeyCondition(q.KeyCond)
	if q.Filter != nil {
		b = b.WithFilter(*q.Filter)
	}
	expr, err := b.Build()
	if err != nil {
		return nil, nil, fmt.Errorf("store: build query: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 &t.Name,
		KeyConditionExpression:    expr.KeyCondition(),
		FilterExpression:          expr.Filter(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(q.Forward),
		ExclusiveStartKey:         q.StartKey,
	}
	if q.Index != "" {
		in.IndexName = aws.String(q.Index)
	} else {
		in.ConsistentRead = aws.Bool(q.Consistent)
	}
	if q.Limit > 0 {
		in.Limit = aws.Int32(q.Limit)
	}
	res, err := t.DB.Query(ctx, in)
	if err != nil {
		return nil, nil, wrap(err)
	}
	return res.Items, res.LastEvaluatedKey, nil
}

// Commit writes a transaction; a failed condition answers the error its write
// carries.
func (t *Table) Commit(ctx context.Context, tx *Tx) error {
	if tx == nil {
		return nil
	}
	// Before the count: a write that failed to build was never added, and a
	// transaction without it must not pass for committed.
	if tx.err != nil {
		return tx.err
	}
	if len(tx.items) == 0 {
		return nil
	}
	for i := range tx.items {
		setTable(&tx.items[i], &t.Name)
	}
	_, err := t.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx.items})
	if err == nil {
		return nil
	}
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) {
		for i, r := range canceled.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" && i < len(tx.onFail) {
				if tx.onFail[i] == errReturnOld {
					return &ConditionFailed{Item: r.Item}
				}
				return tx.onFail[i]
			}
		}
		for _, r := range canceled.CancellationReasons {
			if aws.ToString(r.Code) == "TransactionConflict" {
				return apierr.New(apierr.Conflict, "The object was changed at the same time; try again.")
			}
		}
	}
	return wrap(err)
}

func setTable(it *types.TransactWriteItem, name *string) {
	switch {
	case it.Put != nil:
		it.Put.TableName = name
	case it.Update != nil:
		it.Update.TableName = name
	case it.Delete != nil:
		it.Delete.TableName = name
	case it.ConditionCheck != nil:
		it.ConditionCheck.TableName = name
	}
}

// wrap turns throttling into a 503 a client may retry; everything else stays
// internal (the adapter logs it and answers a generic 500).
func wrap(err error) error {
	var throttled *types.ProvisionedThroughputExceededException
	var limit *types.RequestLimitExceeded
	var inProgress *types.TransactionInProgressException
	if errors.As(err, &throttled) || errors.As(err, &limit) || errors.As(err, &inProgress) || isThrottle(err) {
		return &apierr.Error{Code: apierr.RetryLater, Message: "The service is busy; try again shortly.", RetryAfter: 1}
	}
	return fmt.Errorf("store: %w", err)
}

func (k Key) av() map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: k.PK},
		"SK": &types.AttributeValueMemberS{Value: k.SK},
	}
}

// Update changes one item outside a transaction; a failed condition answers
// onFail.
func (t *Table) Update(ctx context.Context, k Key, upd expression.UpdateBuilder, cond *expression.ConditionBuilder, onFail error) error {
	b := expression.NewBuilder().WithUpdate(upd)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	expr, err := b.Build()
	if err != nil {
		return fmt.Errorf("store: build update: %w", err)
	}
	_, err = t.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &t.Name,
		Key:                       k.av(),
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if onFail == nil {
			return errConditionFailed
		}
		return onFail
	}
	if err != nil {
		return wrap(err)
	}
	return nil
}

// UpdateIf changes one item when cond holds and answers true; otherwise it
// changes nothing and answers false. Either way out receives the item as it
// then stands (after the change, or the one that failed the condition; left
// alone when there is none), so one round trip tells the caller what it won
// or lost against.
func (t *Table) UpdateIf(ctx context.Context, k Key, upd expression.UpdateBuilder, cond expression.ConditionBuilder, out any) (bool, error) {
	expr, err := expression.NewBuilder().WithUpdate(upd).WithCondition(cond).Build()
	if err != nil {
		return false, fmt.Errorf("store: build update: %w", err)
	}
	res, err := t.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                           &t.Name,
		Key:                                 k.av(),
		UpdateExpression:                    expr.Update(),
		ConditionExpression:                 expr.Condition(),
		ExpressionAttributeNames:            expr.Names(),
		ExpressionAttributeValues:           expr.Values(),
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if len(ccf.Item) > 0 {
			return false, attributevalue.UnmarshalMap(ccf.Item, out)
		}
		return false, nil
	}
	if err != nil {
		return false, wrap(err)
	}
	return true, attributevalue.UnmarshalMap(res.Attributes, out)
}

// Delete removes one item outside a transaction; a failed condition answers
// onFail.
func (t *Table) Delete(ctx context.Context, k Key, cond *expression.ConditionBuilder, onFail error) error {
	in := &dynamodb.DeleteItemInput{TableName: &t.Name, Key: k.av()}
	if cond != nil {
		expr, err := expression.NewBuilder().WithCondition(*cond).Build()
		if err != nil {
			return fmt.Errorf("store: build delete: %w", err)
		}
		in.ConditionExpression = expr.Condition()
		in.ExpressionAttributeNames = expr.Names()
		in.ExpressionAttributeValues = expr.Values()
	}
	_, err := t.DB.DeleteItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if onFail == nil {
			return errConditionFailed
		}
		return onFail
	}
	return wrap2(err)
}

// Put writes one item outside a transaction.
func (t *Table) Put(ctx context.Context, item any) error {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return err
	}
	_, err = t.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &t.Name, Item: av})
	return wrap2(err)
}

func wrap2(err error) error {
	if err == nil {
		return nil
	}
	return wrap(err)
}

// GetMany reads items by key in one round trip per hundred keys (consistent
// reads), unmarshalling those found into out (a slice pointer); missing items
// are left out. Keys must be distinct.
func (t *Table) GetMany(ctx context.Context, keys []Key, out any) error {
	items, err := t.getItems(ctx, keys)
	if err != nil {
		return err
	}
	return attributevalue.UnmarshalListOfMaps(items, out)
}

// GetItems is GetMany for items of several kinds (a rule's facts: a
// dictionary entry, uploads, the case they are for): the items found, by key,
// for the caller to unmarshal each as its kind.
func (t *Table) GetItems(ctx context.Context, keys []Key) (map[Key]map[string]types.AttributeValue, error) {
	items, err := t.getItems(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[Key]map[string]types.AttributeValue, len(items))
	for _, it := range items {
		pk, _ := it["PK"].(*types.AttributeValueMemberS)
		sk, _ := it["SK"].(*types.AttributeValueMemberS)
		if pk != nil && sk != nil {
			out[Key{pk.Value, sk.Value}] = it
		}
	}
	return out, nil
}

func (t *Table) getItems(ctx context.Context, keys []Key) ([]map[string]types.AttributeValue, error) {
	var items []map[string]types.AttributeValue
	for start := 0; start < len(keys); start += 100 {
		batch := keys[start:min(start+100, len(keys))]
		req := map[string]types.KeysAndAttributes{t.Name: {ConsistentRead: aws.Bool(true)}}
		ka := req[t.Name]
		for _, k := range batch {
			ka.Keys = append(ka.Keys, k.av())
		}
		req[t.Name] = ka
		// Unprocessed keys (throttling) are asked for again, a bounded number of times.
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == 5 {
				return nil, &apierr.Error{Code: apierr.RetryLater, Message: "The service is busy; try again shortly.", RetryAfter: 1}
			}
			res, err := t.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, wrap(err)
			}
			items = append(items, res.Responses[t.Name]...)
			req = res.UnprocessedKeys
		}
	}
	return items, nil
}
