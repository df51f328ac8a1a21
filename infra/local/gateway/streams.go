package gateway

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/catalog"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// StreamHandler is a stream consumer's Lambda handler.
type StreamHandler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Poller feeds a stream consumer from DynamoDB Local's stream the way the event
// source mapping does in AWS: the same filter (inserts of items whose key
// starts with Prefix), batches, and a failed record retried, with the records
// after it, up to MaxRetries times; then it is dead-lettered (logged and left).
type Poller struct {
	Streams *dynamodbstreams.Client
	Table   string
	// Prefix is the consumer's filter: OUTBOX# (mail), TASK# (tasks).
	Prefix  string
	Handler StreamHandler
	Log     *slog.Logger
	// MaxRetries of a failing record (the mapping's retry attempts); 5 if 0.
	MaxRetries int
	// Idle is the pause between empty polls.
	Idle time.Duration
	// Skip leaves records out (tests that drive a consumer by hand).
	Skip func(pk string) bool
}

// Run polls until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	if p.Idle == 0 {
		p.Idle = 50 * time.Millisecond
	}
	arn, err := p.streamARN(ctx)
	if err != nil {
		return err
	}
	if p.MaxRetries == 0 {
		p.MaxRetries = 5
	}
	iters := map[string]*string{} // shard id → next iterator
	done := map[string]bool{}
	var pending []events.DynamoDBEventRecord
	backoff := p.Idle
	retries := 0
	for ctx.Err() == nil {
		if err := p.discover(ctx, arn, iters, done); err != nil && ctx.Err() == nil {
			p.Log.Warn("stream describe failed", apierr.LogAttr(err))
		}
		for shard, it := range iters {
			out, err := p.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it})
			if err != nil {
				if ctx.Err() == nil {
					p.Log.Warn("stream read failed", apierr.LogAttr(err))
				}
				delete(iters, shard)
				continue
			}
			for _, r := range out.Records {
				if rec, ok := convert(r, p.Prefix); ok && (p.Skip == nil || !p.Skip(rec.Change.Keys["PK"].String())) {
					pending = append(pending, rec)
				}
			}
			if out.NextShardIterator == nil {
				delete(iters, shard)
				done[shard] = true
			} else {
				iters[shard] = out.NextShardIterator
			}
		}
		if len(pending) > 0 {
			resp, err := p.Handler(ctx, events.DynamoDBEvent{Records: pending})
			failed := err != nil
			if !failed && len(resp.BatchItemFailures) > 0 {
				pending = from(pending, resp.BatchItemFailures[0].ItemIdentifier)
				failed = true
			} else if !failed {
				pending = nil
			}
			switch {
			case failed && retries >= p.MaxRetries:
				p.Log.Error("stream record dead-lettered", "pk", pending[0].Change.Keys["PK"].String())
				pending, retries, backoff = pending[1:], 0, p.Idle
			case failed:
				retries++
				backoff = min(backoff*2, 2*time.Second)
			default:
				retries, backoff = 0, p.Idle
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
	}
	return nil
}

func (p *Poller) streamARN(ctx context.Context) (string, error) {
	for ctx.Err() == nil {
		out, err := p.Streams.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: &p.Table})
		if err != nil {
			return "", err
		}
		if len(out.Streams) > 0 {
			return aws.ToString(out.Streams[0].StreamArn), nil
		}
		time.Sleep(p.Idle)
	}
	return "", ctx.Err()
}

// discover opens iterators on shards not read yet (from their start: the stream
// is the table's, created with it).
func (p *Poller) discover(ctx context.Context, arn string, iters map[string]*string, done map[string]bool) error {
	out, err := p.Streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &arn})
	if err != nil {
		return err
	}
	for _, s := range out.StreamDescription.Shards {
		id := aws.ToString(s.ShardId)
		if _, open := iters[id]; open || done[id] {
			continue
		}
		it, err := p.Streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: &arn, ShardId: s.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			return err
		}
		iters[id] = it.ShardIterator
	}
	return nil
}

// convert keeps the records the AWS event source mapping's filter keeps:
// inserts of items under prefix. Only the keys are carried: the consumer reads
// the item itself.
func convert(r types.Record, prefix string) (events.DynamoDBEventRecord, bool) {
	if r.Dynamodb == nil || r.EventName != types.OperationTypeInsert {
		return events.DynamoDBEventRecord{}, false
	}
	pk, _ := r.Dynamodb.Keys["PK"].(*types.AttributeValueMemberS)
	sk, _ := r.Dynamodb.Keys["SK"].(*types.AttributeValueMemberS)
	if pk == nil || sk == nil || !strings.HasPrefix(pk.Value, prefix) {
		return events.DynamoDBEventRecord{}, false
	}
	return events.DynamoDBEventRecord{
		EventID:   aws.ToString(r.EventID),
		EventName: string(r.EventName),
		Change: events.DynamoDBStreamRecord{
			Keys: map[string]events.DynamoDBAttributeValue{
				"PK": events.NewStringAttribute(pk.Value),
				"SK": events.NewStringAttribute(sk.Value),
			},
			SequenceNumber: aws.ToString(r.Dynamodb.SequenceNumber),
			StreamViewType: string(r.Dynamodb.StreamViewType),
		},
	}, true
}

// from returns the records from the one with sequence number seq on.
func from(recs []events.DynamoDBEventRecord, seq string) []events.DynamoDBEventRecord {
	for i, r := range recs {
		if r.Change.SequenceNumber == seq {
			return recs[i:]
		}
	}
	return nil
}

// ErrNoStream is returned when the table has no stream.
var ErrNoStream = errors.New("gateway: the table has no stream")

// Pollers are the stream consumers of the route table's jobs, each fed as its
// event source mapping would feed it in AWS.
func Pollers(streams *dynamodbstreams.Client, table string, d *platform.Deps, skip func(pk string) bool) []*Poller {
	var ps []*Poller
	for _, j := range routes.Jobs {
		if j.Stream == "" {
			continue
		}
		ps = append(ps, &Poller{Streams: streams, Table: table, Prefix: j.Stream,
			Handler: catalog.Streams[j.Function](d), Log: d.Log, Skip: skip})
	}
	return ps
}
