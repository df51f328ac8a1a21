package erasure_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/outbox"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func digits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	out := make([]byte, n)
	for i := range b {
		out[i] = '0' + b[i]%10
	}
	return string(out)
}

// family is a household made through the API (the child's profile is put in
// the household's partition directly, as adding a member would), with
// everything a household can hold: cards with photos and documents,
// entitlements, an identifier, checks, a benefit, a case with an attachment,
// an idempotent request's stored answer, a phone.
type family struct {
	Email, First, Last, ChildFirst, Phone string
	Token, AccountID, ProfileID, ChildID  string
	Cards                                 []testenv.IssuedCard
	Identifier                            string
}

// secrets are the values that must be nowhere once the family is erased.
func (f family) secrets() []string {
	s := []string{f.Email, f.First, f.Last, f.ChildFirst, strings.TrimPrefix(f.Phone, "+48"), f.AccountID, f.ProfileID, f.ChildID, f.Identifier}
	for _, c := range f.Cards {
		s = append(s, c.Number, c.CardID)
	}
	return s
}

func newFamily(t *testing.T, e *testenv.Env, rich bool) family {
	t.Helper()
	tag := randomHex(4)
	f := family{Email: testenv.Email("erazm"), First: "Erazm" + tag, Last: "Kowalczyk" + tag, ChildFirst: "Zuzia" + tag,
		Phone: "+48601" + digits(6)}
	body := testenv.Registration(f.Email)
	body["firstName"], body["lastName"] = f.First, f.Last
	e.Call(t, "POST", "/auth/register", "", body).Expect(t, 202)
	tok := e.WaitMail(t, f.Email, 1).LinkToken(t, "/activate")
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": tok}).Expect(t, 204)
	f.Token = e.Login(t, f.Email, testenv.ResidentPassword).AccessToken
	var acc struct {
		AccountID string `json:"accountId"`
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "GET", "/account", f.Token, nil).Expect(t, 200).Decode(t, &acc)
	f.AccountID, f.ProfileID = acc.AccountID, acc.ProfileID
	e.Call(t, "PUT", "/account/phone", f.Token, map[string]string{"phone": f.Phone}).Expect(t, 200)
	var child struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "POST", "/family", f.Token, map[string]any{"firstName": f.ChildFirst, "lastName": f.Last, "birthDate": "2015-06-01",
		"relationship": "child"}).Expect(t, 201).Decode(t, &child)
	f.ChildID = child.ProfileID
	if !rich {
		return f
	}
	h := testenv.Holder{Email: f.Email, Token: f.Token, ProfileID: f.ProfileID}
	e.Accept(t, e.Apply(t, h, f.ProfileID, "card_issue", e.CardData(t, h, f.ProfileID,
		map[string]any{"firstName": f.First, "lastName": f.Last, "packageIds": []string{"transport", "sport"}})))
	e.Accept(t, e.Apply(t, h, f.ChildID, "card_issue", e.CardData(t, h, f.ChildID,
		map[string]any{"firstName": f.ChildFirst, "lastName": f.Last, "birthDate": "2015-06-01"})))
	f.Cards = append(e.Cards(t, h, f.ProfileID), e.Cards(t, h, f.ChildID)...)
	if len(f.Cards) != 2 {
		t.Fatalf("cards: %+v", f.Cards)
	}
	f.Identifier = digits(8)
	e.Call(t, "POST", h.Path("/identifiers"), f.Token, map[string]string{"typeId": "student-id", "value": f.Identifier}).Expect(t, 201)
	partner := e.Staff(t, "partner@example.com").AccessToken
	e.Call(t, "POST", "/verify", partner, map[string]string{"cardNumber": f.Cards[0].Number}).Expect(t, 200)
	e.Call(t, "POST", "/partner/benefits", partner, map[string]any{"cardNumber": f.Cards[0].Number, "packageId": "transport",
		"name": "Bilet miesięczny ulgowy", "amount": 55.5}, "Idempotency-Key", "b-"+randomHex(8)).Expect(t, 201)
	// A lost card has an entry in the revocation list; an operator's view of
	// the record an entry in the audit trail (R15.2, R15.9).
	e.Call(t, "POST", "/profiles/"+f.ChildID+"/cards/"+f.Cards[1].CardID+"/block", f.Token, map[string]string{"reason": "lost"}).Expect(t, 200)
	op := e.Staff(t, "operator@example.com").AccessToken
	e.Call(t, "GET", "/operator/residents/"+f.ProfileID, op, nil).Expect(t, 200)
	att := e.Upload(t, f.Token, f.ProfileID, "attachment", "application/pdf", testenv.PDFBytes)
	e.Call(t, "POST", h.Path("/cases"), f.Token, map[string]any{"typeId": "general", "subject": "Sprawa " + f.First,
		"body": "Pisze " + f.First + " " + f.Last, "attachmentUploadIds": []string{att}}, "Idempotency-Key", "c-"+randomHex(8)).Expect(t, 201)
	return f
}

// scan reads the whole table (a test's table is small; the platform never scans).
func scan(t *testing.T, e *testenv.Env) []map[string]any {
	t.Helper()
	db := dynamodb.NewFromConfig(e.AWS, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	var out []map[string]any
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &e.Resources.Table, ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var items []map[string]any
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			t.Fatal(err)
		}
		out = append(out, items...)
	}
	return out
}

// bucketKeys lists every object of the bucket.
func bucketKeys(t *testing.T, e *testenv.Env) []string {
	t.Helper()
	c := s3.NewFromConfig(e.AWS, func(o *s3.Options) { o.UsePathStyle = true })
	var keys []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &e.Resources.Bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// poolUsers lists the user pool's users as JSON (names and attributes).
func poolUsers(t *testing.T, e *testenv.Env) []string {
	t.Helper()
	c := cip.NewFromConfig(e.AWS)
	var out []string
	var token *string
	for {
		res, err := c.ListUsers(context.Background(), &cip.ListUsersInput{UserPoolId: &e.Resources.PoolID, PaginationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range res.Users {
			b, _ := json.Marshal(u)
			out = append(out, string(b))
		}
		if res.PaginationToken == nil || *res.PaginationToken == "" {
			return out
		}
		token = res.PaginationToken
	}
}

// until polls cond (the task runner and the mail sender work from the
// stream); bounded against loss, not slowness.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const erasedSubject = "Konto Karty Mieszkańca zostało usunięte"

// waitErased waits for every erasure job to end and for the confirmation
// mail to an address to be sent and forgotten.
func waitErased(t *testing.T, e *testenv.Env, email string) {
	t.Helper()
	until(t, "the erasure jobs end", func() bool {
		for _, it := range scan(t, e) {
			if strings.HasPrefix(fmt.Sprint(it["PK"]), "ERASURE#") && it["step"] != "done" {
				return false
			}
		}
		return true
	})
	until(t, "the confirmation mail arrives", func() bool {

		for _, m := range e.Mails(t, email) {
			if m.Subject == erasedSubject {
				return true
			}
		}
		return false
	})
	until(t, "the confirmation's record forgets its recipient", func() bool {
		for _, it := range scan(t, e) {
			if it["forget"] == true && it["to"] != nil {
				return false
			}
		}
		return true
	})
}

// assertGone finds none of the values in the table, the bucket or the pool.
func assertGone(t *testing.T, e *testenv.Env, values []string) {
	t.Helper()
	var where []string
	for _, it := range scan(t, e) {
		b, _ := json.Marshal(it)
		where = append(where, "table "+fmt.Sprint(it["PK"])+" "+fmt.Sprint(it["SK"])+": "+strings.ToLower(string(b)))
	}
	for _, k := range bucketKeys(t, e) {
		where = append(where, "bucket: "+strings.ToLower(k))
	}
	for _, u := range poolUsers(t, e) {
		where = append(where, "pool: "+strings.ToLower(u))
	}
	for _, v := range values {
		if v == "" {
			continue
		}
		for _, w := range where {
			if strings.Contains(w, strings.ToLower(v)) {
				t.Errorf("%q is still in %.200s", v, w)
			}
		}
	}
}

// member is an adult family member with its own login, added by the head and
// in through its invitation, as the portal does it (R10).
type member struct {
	Email, First, Token, AccountID, ProfileID string
}

func (m member) secrets() []string { return []string{m.Email, m.First, m.AccountID, m.ProfileID} }

func addMember(t *testing.T, e *testenv.Env, f family) member {
	t.Helper()
	m := member{Email: testenv.Email("czlonek"), First: "Bogumil" + randomHex(4)}
	var p struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "POST", "/family", f.Token, map[string]any{"firstName": m.First, "lastName": f.Last, "birthDate": "1985-02-03",
		"relationship": "spouse", "email": m.Email}).Expect(t, 201).Decode(t, &p)
	m.ProfileID = p.ProfileID
	var link string
	for _, it := range e.Outbox(t, m.Email) {
		if it.Template == outbox.FamilyInvitation {
			link = it.Data["link"]
		}
	}
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("invitation link %q", link)
	}
	e.Call(t, "POST", "/auth/invitation/accept", "", map[string]string{"token": u.Query().Get("token"),
		"newPassword": testenv.ResidentPassword, "newPasswordRepeat": testenv.ResidentPassword}).Expect(t, 204)
	m.Token = e.Login(t, m.Email, testenv.ResidentPassword).AccessToken
	var acc struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", m.Token, nil).Expect(t, 200).Decode(t, &acc)
	m.AccountID = acc.AccountID
	return m
}
