package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/infra/local/gateway"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Resp is an API answer.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
	// Calls is the request's DynamoDB round trips.
	Calls int
	// ReadUnits and WriteUnits are the capacity its DynamoDB calls consumed,
	// as DynamoDB Local reports it.
	ReadUnits, WriteUnits float64
	// Dynamo is the time its DynamoDB calls spent on the wire, summed.
	Dynamo time.Duration
	// Pricing is the time the gateway spent pricing its transactions (not
	// the platform's own time).
	Pricing time.Duration
	// Function is the time the route's function took (adapter and handler),
	// pricing excluded.
	Function time.Duration
}

// Problem is the problem+json body.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"errors"`
}

// Decode reads the JSON body into v.
func (r *Resp) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Problem reads the problem+json body, checking its content type and status.
func (r *Resp) Problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json (status %d, body %s)", ct, r.Status, r.Body)
	}
	var p Problem
	r.Decode(t, &p)
	if p.Status != r.Status || p.Code == "" {
		t.Fatalf("problem %+v does not match status %d", p, r.Status)
	}
	return p
}

// Call sends a request. body is JSON-encoded unless it is a string or []byte;
// headers are name, value pairs.
func (e *Env) Call(t testing.TB, method, path, token string, body any, headers ...string) *Resp {
	t.Helper()
	return e.CallWith(t, Client, method, path, token, body, headers...)
}

// CallFrom sends a request from a source address (127.0.0.0/8).
func (e *Env) CallFrom(t testing.TB, ip, method, path, token string, body any, headers ...string) *Resp {
	t.Helper()
	return e.CallWith(t, ClientFrom(ip), method, path, token, body, headers...)
}

// CallWith sends a request with an HTTP client.
func (e *Env) CallWith(t testing.TB, client *http.Client, method, path, token string, body any, headers ...string) *Resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	calls, _ := strconv.Atoi(res.Header.Get(gateway.CallsHeader))
	read, write := gateway.ParseCapacity(res.Header.Get(gateway.CapacityHeader))
	micros := func(h string) time.Duration {
		n, _ := strconv.ParseInt(res.Header.Get(h), 10, 64)
		return time.Duration(n) * time.Microsecond
	}
	return &Resp{Status: res.StatusCode, Header: res.Header, Body: b, Calls: calls, ReadUnits: read, WriteUnits: write,
		Dynamo: micros(gateway.DynamoTimeHeader), Pricing: micros(gateway.PricingTimeHeader), Function: micros(gateway.FunctionTimeHeader)}
}

// Expect fails the test unless the answer has the status.
func (r *Resp) Expect(t testing.TB, status int) *Resp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// Mail is a mail the SES emulator received.
type Mail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
	At int64 `json:"at"`
}

// Mails lists the mail sent to an address so far.
func (e *Env) Mails(t testing.TB, to string) []Mail {
	t.Helper()
	res, err := Client.Get(e.SES + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var store struct {
		Emails []Mail `json:"emails"`
	}
	if err := json.NewDecoder(res.Body).Decode(&store); err != nil {
		t.Fatal(err)
	}
	var out []Mail
	for _, m := range store.Emails {
		for _, d := range m.Destination.To {
			if strings.EqualFold(d, to) {
				out = append(out, m)
			}
		}
	}
	return out
}

// WaitMail waits for the n-th mail (1-based) to an address and returns it. The
// wait is bounded so a lost mail fails the test instead of hanging it; the
// bound is generous because it guards against loss, not slowness.
func (e *Env) WaitMail(t testing.TB, to string, n int) Mail {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ms := e.Mails(t, to)
		if len(ms) >= n {
			return ms[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail #%d to %s never arrived (%d arrived)", n, to, len(ms))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var tokenRe = regexp.MustCompile(`[?&]token=([A-Za-z0-9_-]+)`)

// LinkToken is the token of the link in a mail, checking the link's page.
func (m Mail) LinkToken(t testing.TB, page string) string {
	t.Helper()
	i := strings.Index(m.Body.Text, PortalURL+page+"?token=")
	if i < 0 {
		t.Fatalf("mail %q has no %s link: %s", m.Subject, page, m.Body.Text)
	}
	match := tokenRe.FindStringSubmatch(m.Body.Text[i:])
	if match == nil {
		t.Fatalf("mail %q: no token", m.Subject)
	}
	tok, _ := url.QueryUnescape(match[1])
	return tok
}

// Email makes a unique address for a test.
func Email(prefix string) string {
	return fmt.Sprintf("%s-%s@example.com", prefix, randomHex(5))
}

// Outbox lists the outbox mail written for an address: unlike the inbox it is
// complete the moment a request is answered, so tests count mail with it.
// (A Scan: test tables are small; the platform itself never scans.)
func (e *Env) Outbox(t testing.TB, to string) []outbox.Item {
	t.Helper()
	db := dynamodb.NewFromConfig(e.AWS, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	var out []outbox.Item
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{
		TableName:                 &e.Resources.Table,
		FilterExpression:          aws.String("begins_with(PK, :p) AND #to = :to"),
		ExpressionAttributeNames:  map[string]string{"#to": "to"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: store.OutboxPrefix}, ":to": &types.AttributeValueMemberS{Value: to}},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var items []outbox.Item
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			t.Fatal(err)
		}
		out = append(out, items...)
	}
	return out
}

// WaitLog waits for a log line that match accepts and returns it; bounded
// like WaitMail (the stream consumers log asynchronously).
func (e *Env) WaitLog(t testing.TB, match func(line string) bool) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, l := range e.Logs() {
			if match(l) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the awaited log line never came")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
