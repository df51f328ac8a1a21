package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// SES is the part of the SES v2 client the sender uses.
type SES interface {
	SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// Sender sends outbox mail.
type Sender struct {
	Table     *store.Table
	SES       SES
	From      string
	ConfigSet string
	Log       *slog.Logger
	// Lease is how long a claimed mail is left to its sender before another
	// attempt may take it over (a sender that crashed mid-send).
	Lease time.Duration
}

// HandleStream is the Lambda handler for the table's stream (filtered to outbox
// inserts). A failed mail is reported as a batch item failure, so the stream
// retries from it; mail already sent is skipped, so a retry sends nothing twice.
func (s *Sender) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	for _, rec := range ev.Records {
		pk := rec.Change.Keys["PK"].String()
		sk := rec.Change.Keys["SK"].String()
		if !strings.HasPrefix(pk, store.OutboxPrefix) || rec.EventName == "REMOVE" {
			continue
		}
		if err := s.Send(ctx, store.Key{PK: pk, SK: sk}); err != nil {
			s.Log.ErrorContext(ctx, "mail not sent", slog.String("outbox", pk), apierr.LogAttr(err))
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
			// Records after a failure are retried with it, in order.
			break
		}
	}
	return resp, nil
}

// Send sends one outbox mail unless it was sent already.
func (s *Sender) Send(ctx context.Context, k store.Key) error {
	var m outbox.Item
	if err := s.Table.Get(ctx, k, &m); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil // expired and removed: nothing to send
		}
		return err
	}
	if m.SentAt != 0 {
		return nil
	}
	lease := s.Lease
	if lease == 0 {
		lease = 2 * time.Minute
	}
	switch err := s.Table.Lease(ctx, k, "sentAt", lease); {
	case errors.Is(err, store.ErrDone):
		return nil
	case err != nil:
		return err
	}
	to := m.To
	if to == "" {
		addr, err := s.address(ctx, m.ToAccount)
		if err != nil {
			_ = s.Table.Release(ctx, k)
			return err
		}
		if addr == "" {
			// The account is gone (erased) or never had an address: nobody to tell.
			return s.Table.Finish(ctx, k, "sentAt", map[string]any{"skipped": "no_recipient"})
		}
		to = addr
	}
	msg, err := Render(m.Template, m.Lang, m.Data)
	if err != nil {
		// A mail that cannot be rendered never will be: it is closed as
		// failed (kept for a fix and a redrive) rather than retried, so it
		// does not hold up the mail behind it on the stream.
		s.Log.ErrorContext(ctx, "mail not rendered", slog.String("outbox", k.PK), slog.String("template", m.Template), apierr.LogAttr(err))
		return s.Table.Finish(ctx, k, "sentAt", map[string]any{"failed": "render"})
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: &s.From,
		Destination:      &types.Destination{ToAddresses: []string{to}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: &msg.Subject, Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: &msg.Text, Charset: aws.String("UTF-8")},
				Html: &types.Content{Data: &msg.HTML, Charset: aws.String("UTF-8")},
			},
		}},
	}
	if s.ConfigSet != "" {
		in.ConfigurationSetName = &s.ConfigSet
	}
	out, sendErr := s.SES.SendEmail(ctx, in)
	if sendErr != nil {
		// Give the mail back at once so the retry need not wait for the lease.
		_ = s.Table.Release(ctx, k)
		return fmt.Errorf("mail: send: %w", sendErr)
	}
	var forget []string
	if m.Forget {
		// The mail of an erasure keeps nothing of its recipient once sent.
		forget = []string{"to", "data", "GSI2PK", "GSI2SK"}
	}
	return s.Table.Finish(ctx, k, "sentAt", map[string]any{"messageId": aws.ToString(out.MessageId)}, forget...)
}

// address is an account's e-mail address now; "" when there is none to mail.
func (s *Sender) address(ctx context.Context, accountID string) (string, error) {
	if accountID == "" {
		return "", nil
	}
	var acc account.Account
	err := s.Table.Get(ctx, store.AccountKey(accountID), &acc)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if acc.Status == account.Deleted || acc.Status == account.Erasing {
		return "", nil
	}
	return acc.Email, nil
}

// StreamHandler is the mail-sender function's handler.
func StreamHandler(d *platform.Deps) func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	s := &Sender{Table: store.Of(d), SES: SESClient(d), From: d.Config.MailFrom, ConfigSet: d.Config.MailConfigSet, Log: d.Log}
	return s.HandleStream
}

// sesClient is the function's dependency (platform.Dep): built once, on first use.
var sesClient = platform.Dep[*sesv2.Client]{Build: newSESClient}

func newSESClient(d *platform.Deps) *sesv2.Client {
	return sesv2.NewFromConfig(d.AWS, platform.OptionsOf(d, func(o *sesv2.Options) {
		if ep := d.Endpoint("SESV2"); ep != nil {
			o.BaseEndpoint = ep
		}
	})...)
}

// SESClient is the SES v2 client, built on first use (only the mail sender sends).
func SESClient(d *platform.Deps) *sesv2.Client {
	return sesClient.Of(d)
}
