package mail_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go/middleware"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/mail"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/store"
)

// streamRetries is the event source's RetryAttempts in the CDK app: a batch
// still failing after them goes to the dead-letter queue.
const streamRetries = 5

// ses is an SES client whose sends fail, before they leave the process, while
// down() says so: an outage the emulator cannot produce.
func flakySES(e *testenv.Env, down func() bool) *sesv2.Client {
	return sesv2.NewFromConfig(e.AWS, func(o *sesv2.Options) {
		o.RetryMaxAttempts = 1
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("flaky",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					if down() {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, errors.New("ses unavailable")
					}
					return next.HandleFinalize(ctx, in)
				}), middleware.After)
		})
	})
}

func record(seq int, k store.Key) events.DynamoDBEventRecord {
	return events.DynamoDBEventRecord{EventName: "INSERT", Change: events.DynamoDBStreamRecord{
		SequenceNumber: fmt.Sprint(seq),
		Keys:           map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute(k.PK), "SK": events.NewStringAttribute(k.SK)},
	}}
}

// deliver plays the stream's event source: the batch is retried from the
// first failed record, up to streamRetries times; what still fails then is
// dead-lettered (returned).
func deliver(t *testing.T, s *mail.Sender, batch []events.DynamoDBEventRecord) []events.DynamoDBEventRecord {
	t.Helper()
	for attempt := 0; ; attempt++ {
		resp, err := s.HandleStream(context.Background(), events.DynamoDBEvent{Records: batch})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.BatchItemFailures) == 0 {
			return nil
		}
		from := resp.BatchItemFailures[0].ItemIdentifier
		for i, r := range batch {
			if r.Change.SequenceNumber == from {
				batch = batch[i:]
				break
			}
		}
		if attempt == streamRetries {
			return batch
		}
	}
}

// Issue 13, R14.1: SES down for whole runs of the mail sender, then back.
// 1,000 runs, each with 1–4 mails and a random outage (none, the first n
// sends, or each send failing with a run's own probability), some batches
// delivered twice (the stream is at least once): every mail of the outbox is
// sent or dead-lettered — none lost —, none is sent twice, and the
// dead-lettered ones, redriven once SES is back, are sent exactly once.
func TestSenderChaos(t *testing.T) {
	e := testenv.Get(t)
	runs := 1000
	if testing.Short() {
		runs = 100
	}
	rng := rand.New(rand.NewPCG(13, uint64(time.Now().UnixNano())))
	var downFor atomic.Int64 // sends still to fail in a run of consecutive failures
	var failP atomic.Uint64  // per-send failure probability, in millionths
	up := atomic.Bool{}
	down := func() bool {
		if up.Load() {
			return false
		}
		if downFor.Add(-1) >= 0 {
			return true
		}
		return rng.Uint64N(1_000_000) < failP.Load()
	}
	s := &mail.Sender{Table: store.Of(e.Deps), SES: flakySES(e, down), From: "no-reply@karta.example", Log: e.Deps.Log}
	tag := strings.TrimSuffix(testenv.Email("chaos"), "@example.com")
	var all []string
	var deadLettered []events.DynamoDBEventRecord
	sentByRun := 0
	for run := range runs {
		up.Store(false)
		downFor.Store(0)
		failP.Store(0)
		switch rng.IntN(3) {
		case 1:
			downFor.Store(int64(rng.IntN(3 * (streamRetries + 1))))
		case 2:
			failP.Store(rng.Uint64N(800_000))
		}
		var batch []events.DynamoDBEventRecord
		tx := &store.Tx{}
		for j := range 1 + rng.IntN(4) {
			to := fmt.Sprintf("%s-%d-%d@example.com", tag, run, j)
			id := strings.TrimPrefix(testenv.UnpolledOutbox, store.OutboxPrefix) + to
			outbox.Enqueue(tx, time.Now(), id, outbox.PasswordChanged, to, map[string]string{"link": "http://portal.test/x"}, nil)
			batch = append(batch, record(j+1, store.OutboxKey(id)))
			all = append(all, to)
		}
		if err := store.Of(e.Deps).Commit(context.Background(), tx); err != nil {
			t.Fatal(err)
		}
		dl := deliver(t, s, batch)
		sentByRun += len(batch) - len(dl)
		deadLettered = append(deadLettered, dl...)
		if rng.IntN(4) == 0 {
			// The stream delivers the batch again, SES still as it was.
			again := deliver(t, s, batch)
			for _, r := range again {
				if !contains(dl, r) {
					t.Fatalf("run %d: a record that went through failed on redelivery", run)
				}
			}
		}
	}
	// SES is back: the dead-letter queue is redriven, each record once.
	up.Store(true)
	for _, r := range deadLettered {
		if rest := deliver(t, s, []events.DynamoDBEventRecord{r}); len(rest) != 0 {
			t.Fatalf("a redriven mail failed with SES up")
		}
	}
	got := sentCounts(t, e, tag)
	twice, lost := 0, 0
	for _, to := range all {
		switch got[to] {
		case 1:
		case 0:
			lost++
		default:
			twice++
		}
	}
	t.Logf("%d runs, %d mails: %d sent in their run, %d dead-lettered and redriven, %d lost, %d sent twice",
		runs, len(all), sentByRun, len(deadLettered), lost, twice)
	if sentByRun+len(deadLettered) != len(all) || lost != 0 || twice != 0 {
		t.Fatalf("outbox %d ≠ sent %d + dead-lettered %d, or %d lost, %d twice", len(all), sentByRun, len(deadLettered), lost, twice)
	}
	if len(deadLettered) == 0 || sentByRun == 0 {
		t.Fatalf("the outages were not random enough: %d dead-lettered, %d sent", len(deadLettered), sentByRun)
	}
}

func contains(rs []events.DynamoDBEventRecord, r events.DynamoDBEventRecord) bool {
	for _, x := range rs {
		if x.Change.Keys["PK"].String() == r.Change.Keys["PK"].String() {
			return true
		}
	}
	return false
}

// sentCounts reads the SES emulator's store once: mails per recipient of the tag.
func sentCounts(t *testing.T, e *testenv.Env, tag string) map[string]int {
	t.Helper()
	res, err := testenv.Client.Get(e.SES + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st struct {
		Emails []testenv.Mail `json:"emails"`
	}
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, m := range st.Emails {
		for _, to := range m.Destination.To {
			if strings.HasPrefix(to, tag+"-") {
				out[to]++
			}
		}
	}
	return out
}
