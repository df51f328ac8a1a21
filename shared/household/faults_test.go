package household_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/store"
)

// retryLater asserts the answer of a dependency failing past the SDK's
// retries: 503 retry_later with Retry-After (R14.2).
func retryLater(t *testing.T, res *testenv.Resp) {
	t.Helper()
	code(t, res, 503, "retry_later")
	if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
}

// accountsOf lists the table's account items with an e-mail.
func accountsOf(t *testing.T, e *testenv.Env, email string) []account.Account {
	t.Helper()
	db := dynamodb.NewFromConfig(e.AWS, func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: &e.Resources.Table, ConsistentRead: aws.Bool(true),
		FilterExpression:          aws.String("begins_with(PK, :p) AND email = :e"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "ACCOUNT#"}, ":e": &types.AttributeValueMemberS{Value: email}}})
	var out []account.Account
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var items []account.Account
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			t.Fatal(err)
		}
		out = append(out, items...)
	}
	return out
}

// identityOf is the e-mail's Cognito identity: its sub and registration, or
// "" when there is none.
func identityOf(t *testing.T, e *testenv.Env, email string) (sub, registration string) {
	t.Helper()
	sub, reg, err := identity.Of(e.Deps).User(context.Background(), email)
	if errors.Is(err, identity.ErrNoUser) {
		return "", ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return sub, reg
}

// claimOf is the e-mail's claim item (zero when there is none).
func claimOf(t *testing.T, e *testenv.Env, email string) account.EmailClaim {
	t.Helper()
	var c account.EmailClaim
	if err := store.Of(e.Deps).Get(context.Background(), store.EmailKey(email), &c); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return c
}

// memberStatus is the member's profile status as the head sees it.
func memberStatus(t *testing.T, e *testenv.Env, head testenv.Holder, profileID string) string {
	t.Helper()
	var p profileView
	e.Call(t, "GET", "/profiles/"+profileID, head.Token, nil).Expect(t, 200).Decode(t, &p)
	return p.Status
}

// notHalfMade asserts what a failed acceptance leaves: the profile pending,
// no account item, no usable login, and any Cognito identity one the table
// knows (the claim names its registration, so the retry finishes it).
func notHalfMade(t *testing.T, e *testenv.Env, head testenv.Holder, p profileView, addr string) {
	t.Helper()
	if s := memberStatus(t, e, head, p.ProfileID); s != p.Status {
		t.Fatalf("after a failed acceptance the member is %s", s)
	}
	if accs := accountsOf(t, e, addr); len(accs) != 0 {
		t.Fatalf("an account without a finished acceptance: %+v", accs)
	}
	if sub, reg := identityOf(t, e, addr); sub != "" {
		if c := claimOf(t, e, addr); !c.Registering() || c.RegistrationID != reg || reg != "invitation."+p.ProfileID {
			t.Fatalf("an identity (registration %q) the table does not know: claim %+v", reg, c)
		}
	}
	code(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": addr, "password": newPassword}), 401, "invalid_credentials")
}

// R10.2, R14.2 (issue 13): Cognito failing in the middle of an invitation's
// acceptance — creating the identity, setting its password — answers 503
// retry_later and leaves nothing half-made; the same link accepts on retry
// and the member logs in. The table failing on the final transaction, after
// Cognito is done, does the same.
func TestAcceptUnderCognitoFaults(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	addr := testenv.Email("awaria")
	p := add(t, e, head, adultBody(addr))
	tok := invitation(t, e, addr, 1)

	for _, op := range []string{"AdminCreateUser", "AdminSetUserPassword", "TransactWriteItems"} {
		e.FailNext(op, 1)
		retryLater(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(tok)))
		notHalfMade(t, e, head, p, addr)
	}
	e.Call(t, "POST", "/auth/invitation/accept", "", accept(tok)).Expect(t, 204)
	e.Login(t, addr, newPassword)
	if s := memberStatus(t, e, head, p.ProfileID); s != "active" {
		t.Fatalf("accepted member is %s", s)
	}
	accs := accountsOf(t, e, addr)
	sub, _ := identityOf(t, e, addr)
	if len(accs) != 1 || accs[0].AccountID != sub || accs[0].ProfileID != p.ProfileID {
		t.Fatalf("accounts %+v for the identity %s", accs, sub)
	}
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(tok)), 410, "token_invalid")
}

// R10.2 (issue 13): Cognito failing after the acceptance committed — the
// follow-up that marks the e-mail verified — is the task runner's to finish:
// the acceptance answers 204 and the identity ends verified.
func TestAcceptFollowUpAfterCognitoFault(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	addr := testenv.Email("weryfikacja")
	add(t, e, head, adultBody(addr))
	e.FailNext("AdminUpdateUserAttributes", 1)
	e.Call(t, "POST", "/auth/invitation/accept", "", accept(invitation(t, e, addr, 1))).Expect(t, 204)
	e.Login(t, addr, newPassword)
	pool := identity.Of(e.Deps)
	deadline := time.Now().Add(90 * time.Second)
	for {
		u, err := pool.API.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &pool.PoolID, Username: &addr})
		if err != nil {
			t.Fatal(err)
		}
		verified := false
		for _, a := range u.UserAttributes {
			verified = verified || (*a.Name == "email_verified" && *a.Value == "true")
		}
		if verified && e.Armed("AdminUpdateUserAttributes") == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the e-mail was never marked verified")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// R10.2, R2 (issue 13): acceptances of one invitation racing each other —
// 8 at once, 3 rounds — end in exactly one 204; every other answer is the
// used link's 410 token_invalid (or 409 while the winner is still at work);
// one identity, one account, and the winner's password is the one that
// logs in.
func TestAcceptRace(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	const racers, rounds = 8, 3
	for round := range rounds {
		addr := testenv.Email(fmt.Sprintf("wyscig%d", round))
		p := add(t, e, head, adultBody(addr))
		tok := invitation(t, e, addr, 1)
		res := make([]*testenv.Resp, racers)
		pw := func(i int) string { return fmt.Sprintf("Wyscig-Do-Karty-%d-%d", round, i) }
		var wg sync.WaitGroup
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i] = e.Call(t, "POST", "/auth/invitation/accept", "", map[string]string{"token": tok, "newPassword": pw(i), "newPasswordRepeat": pw(i)})
			}()
		}
		wg.Wait()
		winner := -1
		var others []string
		for i, r := range res {
			if r.Status == 204 {
				if winner >= 0 {
					t.Fatalf("round %d: two acceptances succeeded (%d and %d)", round, winner, i)
				}
				winner = i
				continue
			}
			c := r.Problem(t).Code
			if !(r.Status == 410 && c == "token_invalid") && !(r.Status == 409 && c == "conflict") {
				t.Fatalf("round %d: a losing acceptance answered %d %s", round, r.Status, c)
			}
			others = append(others, c)
		}
		if winner < 0 {
			t.Fatalf("round %d: no acceptance succeeded: %v", round, others)
		}
		// Once the race is over the link is used up for everyone.
		code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(tok)), 410, "token_invalid")
		accs := accountsOf(t, e, addr)
		sub, _ := identityOf(t, e, addr)
		if len(accs) != 1 || accs[0].AccountID != sub {
			t.Fatalf("round %d: accounts %+v for the identity %s", round, accs, sub)
		}
		if s := memberStatus(t, e, head, p.ProfileID); s != "active" {
			t.Fatalf("round %d: member is %s", round, s)
		}
		// The winner's password logs in, a loser's does not (four of them:
		// five failures would reach the login limit, R2).
		e.Call(t, "POST", "/auth/login", "", map[string]string{"email": addr, "password": pw(winner)}).Expect(t, 200)
		tried := 0
		for i := range racers {
			if i != winner && tried < 4 {
				tried++
				code(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": addr, "password": pw(i)}), 401, "invalid_credentials")
			}
		}
		t.Logf("round %d: 1 accepted, losers %s", round, strings.Join(others, ","))
	}
}
