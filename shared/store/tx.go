package store

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Tx collects the writes of one change. Each write carries the error to answer
// when its condition fails, so a handler says once what a lost race means.
type Tx struct {
	items  []types.TransactWriteItem
	onFail []error
	err    error
}

// Len is the number of writes.
func (tx *Tx) Len() int { return len(tx.items) }

// Put writes an item; cond may be nil.
func (tx *Tx) Put(item any, cond *expression.ConditionBuilder, onFail error) *Tx {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		tx.fail(err)
		return tx
	}
	p := &types.Put{Item: av}
	if cond != nil {
		expr, err := expression.NewBuilder().WithCondition(*cond).Build()
		if err != nil {
			tx.fail(err)
			return tx
		}
		p.ConditionExpression = expr.Condition()
		p.ExpressionAttributeNames = expr.Names()
		p.ExpressionAttributeValues = expr.Values()
	}
	return tx.add(types.TransactWriteItem{Put: p}, onFail)
}

// Create puts an item that must not exist yet.
func (tx *Tx) Create(item any, onFail error) *Tx {
	c := expression.AttributeNotExists(expression.Name("PK"))
	return tx.Put(item, &c, onFail)
}

// Update changes an item; cond may be nil (the item is then created if missing).
func (tx *Tx) Update(k Key, upd expression.UpdateBuilder, cond *expression.ConditionBuilder, onFail error) *Tx {
	b := expression.NewBuilder().WithUpdate(upd)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	expr, err := b.Build()
	if err != nil {
		tx.fail(err)
		return tx
	}
	return tx.add(types.TransactWriteItem{Update: &types.Update{
		Key:                       k.av(),
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}}, onFail)
}

// ConditionFailed is the error of a write added with UpdateOrOld whose
// condition failed: it carries the item as it stood, so the one round trip
// tells the caller what it lost against.
type ConditionFailed struct {
	Item map[string]types.AttributeValue
}

func (e *ConditionFailed) Error() string { return "store: condition failed" }

// Decode reads the item that failed the condition into out (left alone when
// there was no item).
func (e *ConditionFailed) Decode(out any) error {
	if len(e.Item) == 0 {
		return nil
	}
	return attributevalue.UnmarshalMap(e.Item, out)
}

// UpdateOrOld is Update whose failed condition answers *ConditionFailed with
// the item as it stood.
func (tx *Tx) UpdateOrOld(k Key, upd expression.UpdateBuilder, cond expression.ConditionBuilder) *Tx {
	tx.Update(k, upd, &cond, errReturnOld)
	if n := len(tx.items); n > 0 && tx.onFail[n-1] == errReturnOld {
		tx.items[n-1].Update.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	return tx
}

// errReturnOld marks a write whose failure answers a ConditionFailed.
var errReturnOld = errors.New("store: return the old item")

// Delete removes an item; cond may be nil.
func (tx *Tx) Delete(k Key, cond *expression.ConditionBuilder, onFail error) *Tx {
	d := &types.Delete{Key: k.av()}
	if cond != nil {
		expr, err := expression.NewBuilder().WithCondition(*cond).Build()
		if err != nil {
			tx.fail(err)
			return tx
		}
		d.ConditionExpression = expr.Condition()
		d.ExpressionAttributeNames = expr.Names()
		d.ExpressionAttributeValues = expr.Values()
	}
	return tx.add(types.TransactWriteItem{Delete: d}, onFail)
}

// Check asserts a condition on an item without writing it.
func (tx *Tx) Check(k Key, cond expression.ConditionBuilder, onFail error) *Tx {
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		tx.fail(err)
		return tx
	}
	return tx.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		Key:                       k.av(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}}, onFail)
}

func (tx *Tx) add(it types.TransactWriteItem, onFail error) *Tx {
	if onFail == nil {
		onFail = errConditionFailed
	}
	tx.items = append(tx.items, it)
	tx.onFail = append(tx.onFail, onFail)
	return tx
}

func (tx *Tx) fail(err error) {
	if tx.err == nil {
		tx.err = fmt.Errorf("store: build transaction: %w", err)
	}
}

// errConditionFailed is what a write without its own error answers: a condition
// that the handler did not expect to fail is an internal error.
var errConditionFailed = errors.New("store: unexpected condition failure")

// Exists and NotExists are the usual item conditions.
func Exists() *expression.ConditionBuilder {
	c := expression.AttributeExists(expression.Name("PK"))
	return &c
}

// Cond returns a pointer to a condition, for the builders above.
func Cond(c expression.ConditionBuilder) *expression.ConditionBuilder { return &c }

func isThrottle(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded":
			return true
		}
	}
	return false
}

// Change is the one way to change a versioned item: the update applies only
// to the version it was decided on (and only while cond holds, if given), and
// counts the version up. onFail answers a lost race.
func (tx *Tx) Change(k Key, version int, upd expression.UpdateBuilder, cond *expression.ConditionBuilder, onFail error) *Tx {
	c := expression.Name("version").Equal(expression.Value(version))
	if cond != nil {
		c = cond.And(c)
	}
	return tx.Update(k, upd.Add(expression.Name("version"), expression.Value(1)), &c, onFail)
}
