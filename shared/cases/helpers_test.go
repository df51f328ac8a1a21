package cases_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type person struct {
	email, token, profile, account string
}

func newPerson(t *testing.T, e *testenv.Env) person {
	t.Helper()
	email, tk := e.Resident(t)
	var me struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "GET", "/profiles/me", tk.AccessToken, nil).Expect(t, 200).Decode(t, &me)
	var acc struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200).Decode(t, &acc)
	return person{email, tk.AccessToken, me.ProfileID, acc.AccountID}
}

func (p person) path(rest string) string { return "/profiles/" + p.profile + "/cases" + rest }

type caseView struct {
	CaseID        string    `json:"caseId"`
	TypeID        string    `json:"typeId"`
	TypeName      string    `json:"typeName"`
	Subject       string    `json:"subject"`
	Status        string    `json:"status"`
	Broadcast     bool      `json:"broadcast"`
	CreatedAt     time.Time `json:"createdAt"`
	LastMessageAt time.Time `json:"lastMessageAt"`
	Unread        bool      `json:"unread"`
	ProfileID     *string   `json:"profileId"`
	Waiting       *string   `json:"waiting"`
}

type attachmentView struct {
	UploadID    string `json:"uploadId"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

type msgView struct {
	MessageID   string           `json:"messageId"`
	From        string           `json:"from"`
	Body        string           `json:"body"`
	CreatedAt   time.Time        `json:"createdAt"`
	Attachments []attachmentView `json:"attachments"`
}

type detailView struct {
	caseView
	Messages   []msgView `json:"messages"`
	NextCursor *string   `json:"nextCursor"`
}

type caseList struct {
	Items      []caseView `json:"items"`
	NextCursor *string    `json:"nextCursor"`
}

type msgList struct {
	Items      []msgView `json:"items"`
	NextCursor *string   `json:"nextCursor"`
}

func openCase(t *testing.T, e *testenv.Env, p person, subject string, attachments ...string) detailView {
	t.Helper()
	if attachments == nil {
		attachments = []string{}
	}
	var d detailView
	e.Call(t, "POST", p.path(""), p.token, map[string]any{"typeId": "general", "subject": subject,
		"body": "Treść: " + subject, "attachmentUploadIds": attachments}).Expect(t, 201).Decode(t, &d)
	return d
}

func operator(t *testing.T, e *testenv.Env) string {
	t.Helper()
	return e.Staff(t, "operator@example.com").AccessToken
}

func cityCase(t *testing.T, e *testenv.Env, op string, p person, typeID, subject string) detailView {
	t.Helper()
	var d detailView
	e.Call(t, "POST", "/operator/cases", op, map[string]any{"profileId": p.profile, "typeId": typeID,
		"subject": subject, "body": "Wiadomość od miasta: " + subject}).Expect(t, 201).Decode(t, &d)
	return d
}

func broadcast(t *testing.T, e *testenv.Env, op, subject string) detailView {
	t.Helper()
	var d detailView
	e.Call(t, "POST", "/operator/cases", op, map[string]any{"broadcast": true, "typeId": "announcement",
		"subject": subject, "body": "Komunikat: " + subject}).Expect(t, 201).Decode(t, &d)
	return d
}

// list reads every page of a list, checking each page's length.
func listAll(t *testing.T, e *testenv.Env, token, path string, limit int) []caseView {
	t.Helper()
	var out []caseView
	cursor := ""
	for range 1000 {
		url := path
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "limit=" + itoa(limit)
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		var l caseList
		e.Call(t, "GET", url, token, nil).Expect(t, 200).Decode(t, &l)
		if len(l.Items) > limit {
			t.Fatalf("page of %d items, limit %d", len(l.Items), limit)
		}
		out = append(out, l.Items...)
		if l.NextCursor == nil {
			return out
		}
		cursor = *l.NextCursor
	}
	t.Fatal("the list never ended")
	return nil
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// member adds a family member with its own login to p's household, as the
// household routes will (issue 10): a Cognito user, an active account that is
// not the head's, and a profile in the head's partition.
func member(t *testing.T, e *testenv.Env, head person) person {
	t.Helper()
	ctx := context.Background()
	email := testenv.Email("member")
	pool := identity.Of(e.Deps)
	sub, err := pool.CreateUser(ctx, email, ulid.Make().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.SetPassword(ctx, email, testenv.ResidentPassword); err != nil {
		t.Fatal(err)
	}
	id := ulid.Make().String()
	now := time.Now().UTC()
	tbl := store.Of(e.Deps)
	for _, it := range []any{
		&profile.Profile{Key: store.ProfileKey(head.profile, id), ProfileID: id, HouseholdID: head.profile, AccountID: sub,
			FirstName: "Jan", LastName: "Nowak", BirthDate: "2000-01-01", Relationship: "child", Status: account.Active,
			CreatedAt: now, Version: 1},
		&account.EmailClaim{Key: store.EmailKey(email), AccountID: sub},
		&account.Account{Key: store.AccountKey(sub), AccountID: sub, Email: email, Status: account.Active, CreatedAt: now,
			ProfileID: id, HouseholdID: head.profile, Version: 1},
	} {
		if err := tbl.Put(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	tk := e.Login(t, email, testenv.ResidentPassword)
	return person{email: email, token: tk.AccessToken, profile: id, account: sub}
}

// outboxOf lists the outbox mail to an account (mail addressed by account;
// a Scan: test tables are small, the platform never scans).
func outboxOf(t *testing.T, e *testenv.Env, accountID string) []outbox.Item {
	t.Helper()
	db := dynamodb.NewFromConfig(e.AWS)
	var out []outbox.Item
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{
		TableName:        &e.Resources.Table,
		FilterExpression: aws.String("begins_with(PK, :p) AND toAccount = :a"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": &types.AttributeValueMemberS{Value: store.OutboxPrefix}, ":a": &types.AttributeValueMemberS{Value: accountID}},
		ConsistentRead: aws.Bool(true),
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

func sleep() { time.Sleep(100 * time.Millisecond) }
