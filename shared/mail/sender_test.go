package mail_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go/middleware"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/mail"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// outage makes the SES client fail its first n sends before they leave the
// process, as an SES outage or throttling would: the emulator cannot.
func outage(n int64) (func(*sesv2.Options), *atomic.Int64) {
	var calls atomic.Int64
	return func(o *sesv2.Options) {
		o.RetryMaxAttempts = 1
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("outage",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					if calls.Add(1) <= n {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, errors.New("ses unavailable")
					}
					return next.HandleFinalize(ctx, in)
				}), middleware.After)
		})
	}, &calls
}

func enqueue(t *testing.T, e *testenv.Env, to string) (store.Key, events.DynamoDBEvent) {
	t.Helper()
	tx := &store.Tx{}
	id := strings.TrimPrefix(testenv.UnpolledOutbox, store.OutboxPrefix) + to
	outbox.Enqueue(tx, time.Now(), id, outbox.PasswordChanged, to, map[string]string{"link": "http://portal.test/x"}, nil)
	if err := store.Of(e.Deps).Commit(context.Background(), tx); err != nil {
		t.Fatal(err)
	}
	k := store.OutboxKey(id)
	ev := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{EventName: "INSERT", Change: events.DynamoDBStreamRecord{
		SequenceNumber: "1", Keys: map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute(k.PK), "SK": events.NewStringAttribute(k.SK)},
	}}}}
	return k, ev
}

// R14.1 and the outbox: a send that fails is reported for retry and the mail
// stays unsent; the retry sends it; a further delivery of the same record
// (the stream is at-least-once) sends nothing.
func TestSenderSurvivesOutage(t *testing.T) {
	e := testenv.Get(t)
	to := testenv.Email("outage")
	k, ev := enqueue(t, e, to)
	opt, calls := outage(2)
	s := &mail.Sender{Table: store.Of(e.Deps), SES: sesv2.NewFromConfig(e.AWS, opt), From: "no-reply@karta.example", Log: e.Deps.Log}

	for attempt := 1; attempt <= 2; attempt++ {
		resp, err := s.HandleStream(context.Background(), ev)
		if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "1" {
			t.Fatalf("attempt %d during the outage: %+v %v", attempt, resp, err)
		}
		var m outbox.Item
		if err := store.Of(e.Deps).Get(context.Background(), k, &m); err != nil || m.SentAt != 0 || m.LeaseUntil != 0 {
			t.Fatalf("after failed attempt %d: %+v %v", attempt, m, err)
		}
	}
	for range 3 {
		resp, err := s.HandleStream(context.Background(), ev)
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("after the outage: %+v %v", resp, err)
		}
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("%d SES calls, want 2 failed and 1 sent", n)
	}
	var m outbox.Item
	if err := store.Of(e.Deps).Get(context.Background(), k, &m); err != nil || m.SentAt == 0 || m.MessageID == "" || m.Attempts != 3 {
		t.Fatalf("sent record %+v %v", m, err)
	}
	e.WaitMail(t, to, 1)
	if n := len(e.Mails(t, to)); n != 1 {
		t.Fatalf("%d mails", n)
	}
}

// A mail claimed by another attempt (its lease still running) is not sent
// again but retried later; once the lease runs out, it is sent.
func TestSenderRespectsLease(t *testing.T) {
	e := testenv.Get(t)
	to := testenv.Email("lease")
	_, ev := enqueue(t, e, to)
	k := store.OutboxKey(strings.TrimPrefix(testenv.UnpolledOutbox, store.OutboxPrefix) + to)
	// Another attempt holds the mail: leased until an hour from now.
	if err := store.Of(e.Deps).Update(context.Background(), k,
		expression.Set(expression.Name("leaseUntil"), expression.Value(time.Now().Add(time.Hour).Unix())), nil, nil); err != nil {
		t.Fatal(err)
	}
	opt, calls := outage(0)
	s := &mail.Sender{Table: store.Of(e.Deps), SES: sesv2.NewFromConfig(e.AWS, opt), From: "no-reply@karta.example", Log: e.Deps.Log}
	resp, err := s.HandleStream(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 1 || calls.Load() != 0 {
		t.Fatalf("leased mail: %+v %v calls=%d", resp, err, calls.Load())
	}
	// The lease runs out (the attempt died): the mail goes out once.
	if err := store.Of(e.Deps).Update(context.Background(), k,
		expression.Set(expression.Name("leaseUntil"), expression.Value(time.Now().Add(-time.Second).Unix())), nil, nil); err != nil {
		t.Fatal(err)
	}
	if resp, err := s.HandleStream(context.Background(), ev); err != nil || len(resp.BatchItemFailures) != 0 || calls.Load() != 1 {
		t.Fatalf("expired lease: %+v %v calls=%d", resp, err, calls.Load())
	}
	e.WaitMail(t, to, 1)
}

// Mail to an account goes to the account's address as it is when sent; an
// account that is gone (erased) is mailed nothing, and the mail is done.
func TestSenderAddressesAccounts(t *testing.T) {
	e := testenv.Get(t)
	ctx := context.Background()
	tbl := store.Of(e.Deps)
	to := testenv.Email("account")
	acc := &account.Account{Key: store.AccountKey("acc-" + to), AccountID: "acc-" + to, Email: to, Status: account.Active, Version: 1}
	if err := tbl.Put(ctx, acc); err != nil {
		t.Fatal(err)
	}
	opt, calls := outage(0)
	s := &mail.Sender{Table: tbl, SES: sesv2.NewFromConfig(e.AWS, opt), From: "no-reply@karta.example", Log: e.Deps.Log}
	for _, c := range []struct {
		account string
		sends   int64
	}{{acc.AccountID, 1}, {"nobody-" + to, 1}} {
		id := strings.TrimPrefix(testenv.UnpolledOutbox, store.OutboxPrefix) + c.account
		tx := &store.Tx{}
		outbox.EnqueueToAccount(tx, time.Now(), id, outbox.CaseMessage, c.account,
			map[string]string{"typeName": "Sprawa ogólna", "link": "http://portal.test/cases/x"}, nil)
		if err := tbl.Commit(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if err := s.Send(ctx, store.OutboxKey(id)); err != nil {
			t.Fatalf("%s: %v", c.account, err)
		}
		if n := calls.Load(); n != c.sends {
			t.Fatalf("%s: %d SES calls, want %d", c.account, n, c.sends)
		}
		var m outbox.Item
		if err := tbl.Get(ctx, store.OutboxKey(id), &m); err != nil || m.SentAt == 0 || m.To != "" {
			t.Fatalf("%s: record %+v %v", c.account, m, err)
		}
	}
	if m := e.WaitMail(t, to, 1); !strings.Contains(m.Body.Text, "http://portal.test/cases/x") {
		t.Fatalf("mail %+v", m)
	}
}

// A mail whose data its template cannot render is closed as failed, once,
// and the mail behind it on the stream goes out: one bad item does not hold
// up the rest.
func TestUnrenderableMailDoesNotBlockTheStream(t *testing.T) {
	e := testenv.Get(t)
	ctx := context.Background()
	bad, good := testenv.Email("bad"), testenv.Email("good")
	tx := &store.Tx{}
	badID := strings.TrimPrefix(testenv.UnpolledOutbox, store.OutboxPrefix) + bad
	outbox.Enqueue(tx, time.Now(), badID, outbox.PasswordChanged, bad, map[string]string{}, nil) // no "link"
	if err := store.Of(e.Deps).Commit(ctx, tx); err != nil {
		t.Fatal(err)
	}
	_, ev := enqueue(t, e, good)
	k := store.OutboxKey(badID)
	ev.Records = append([]events.DynamoDBEventRecord{{EventName: "INSERT", Change: events.DynamoDBStreamRecord{SequenceNumber: "0",
		Keys: map[string]events.DynamoDBAttributeValue{"PK": events.NewStringAttribute(k.PK), "SK": events.NewStringAttribute(k.SK)}}}}, ev.Records...)
	opt, calls := outage(0)
	s := &mail.Sender{Table: store.Of(e.Deps), SES: sesv2.NewFromConfig(e.AWS, opt), From: "no-reply@karta.example", Log: e.Deps.Log}
	if resp, err := s.HandleStream(ctx, ev); err != nil || len(resp.BatchItemFailures) != 0 || calls.Load() != 1 {
		t.Fatalf("a batch with an unrenderable mail: %+v %v calls=%d", resp, err, calls.Load())
	}
	var m struct {
		SentAt int64  `dynamodbav:"sentAt"`
		Failed string `dynamodbav:"failed"`
	}
	if err := store.Of(e.Deps).Get(ctx, k, &m); err != nil || m.SentAt == 0 || m.Failed != "render" {
		t.Fatalf("the unrenderable mail's record: %+v %v", m, err)
	}
	e.WaitMail(t, good, 1)
}
