package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// example is a realistic request to one route, as the portal sends it.
type example struct {
	// Path is the concrete path; a {name} in it is filled with the id of that
	// name from earlier answers (profileId from GET /account...). Empty: the
	// route's own path.
	Path    string
	Body    func(*flow) any
	Headers func(*flow) []string
	// Token overrides the caller's token; by default it follows the route's
	// access (none, the resident's, or a staff group's).
	Token func(*flow) string
	// Want is the status a working endpoint answers.
	Want int
	// Before prepares what the request needs; its calls are not counted.
	Before func(*flow)
	// After keeps what later requests need from the answer.
	After func(*flow, *testenv.Resp)
	// Late requests end the session or change the credentials, so they run
	// after every other route (generic ones included).
	Late bool
	// Note is shown with the figure.
	Note string
}

// step is an example keyed by its route key ("METHOD /path").
type step struct {
	Key string
	example
}

const (
	residentPassword = "Zielony-Tramwaj-2026"
	changedPassword  = "Niebieski-Autobus-2027"
	resetPassword    = "Czerwony-Rower-2028"
)

// examples are run in this order: a resident registers, activates, logs in and
// uses the account, then the session-ending requests. A route added to
// routes.All without a row here is driven generically when it is a GET whose
// path ids are known from earlier answers, and listed as not measured otherwise.
var examples = []step{
	{"GET /health", example{Want: 200}},
	{"GET /consents/clauses", example{Want: 200}},
	{"GET /dictionaries/{kind}", example{Path: "/dictionaries/pickup-points", Want: 200}},

	{"POST /auth/register", example{
		Before: func(f *flow) { f.markMail() },
		Body: func(f *flow) any {
			return map[string]any{
				"email": f.email, "password": residentPassword,
				"firstName": "Anna", "lastName": "Nowak", "birthDate": "1990-04-12",
				"consents": []map[string]any{
					{"clauseId": "terms", "accepted": true},
					{"clauseId": "gdpr", "accepted": true},
					{"clauseId": "residence", "accepted": true},
					{"clauseId": "newsletter", "accepted": false},
				},
			}
		},
		Want: 202,
	}},
	{"POST /auth/activation/resend", example{
		Before: func(f *flow) {
			f.awaitLink("/activate") // the first mail is out
			// The resident asks again after the cooldown, so a new link is mailed.
			f.ageAccount("activationMailedAt", linktoken.ResendCooldown+time.Second)
		},
		Body: func(f *flow) any { return map[string]string{"email": f.email} },
		Want: 202,
	}},
	{"POST /auth/activate", example{
		Before: func(f *flow) { f.link = f.awaitLink("/activate") },
		Body:   func(f *flow) any { return map[string]string{"token": f.link} },
		Want:   204,
	}},
	{"POST /auth/login", example{
		Body:  func(f *flow) any { return map[string]string{"email": f.email, "password": f.password} },
		Want:  200,
		After: func(f *flow, r *testenv.Resp) { f.keepTokens(r) },
	}},
	{"POST /auth/refresh", example{
		Body: func(f *flow) any { return map[string]string{"refreshToken": f.refresh} },
		Want: 200,
	}},
	{"GET /account", example{Want: 200}},
	{"PUT /account/phone", example{Body: func(*flow) any { return map[string]string{"phone": "+48601234567"} }, Want: 200}},
	{"DELETE /account/phone", example{Want: 204}},
	{"GET /profiles", example{Want: 200}},
	{"GET /profiles/{profileId}", example{Want: 200}},

	// A card: the resident uploads a photo and a document, files a virtual card
	// application and submits it; an operator reviews and accepts it.
	{"GET /profiles/{profileId}/applications/available", example{Want: 200}},
	{"POST /profiles/{profileId}/uploads", example{
		Body: func(*flow) any {
			return map[string]any{"purpose": "photo", "contentType": "image/jpeg", "size": len(testenv.JPEGBytes)}
		},
		Want: 201,
		// The portal then posts the file to S3 with the presigned form.
		After: func(f *flow, r *testenv.Resp) { f.ids["photoUploadId"] = f.postFile(r, testenv.JPEGBytes) },
	}},
	{"POST /profiles/{profileId}/applications", example{
		Before: func(f *flow) {
			f.ids["documentUploadId"] = f.env.Upload(f.t, f.access, f.ids["profileId"], "document", "application/pdf", testenv.PDFBytes)
		},
		Body: func(f *flow) any { return map[string]any{"type": "card_issue", "data": f.cardData("Anna")} },
		Want: 201,
	}},
	{"GET /profiles/{profileId}/applications", example{Want: 200}},
	{"GET /profiles/{profileId}/applications/{applicationId}", example{Want: 200}},
	{"PUT /profiles/{profileId}/applications/{applicationId}", example{
		Body: func(f *flow) any { return map[string]any{"data": f.cardData("Anna Maria")} },
		Want: 200,
	}},
	{"POST /profiles/{profileId}/applications/{applicationId}/submit", example{Want: 200}},
	{"GET /operator/applications", example{Path: "/operator/applications?status=submitted&type=card_issue&limit=20", Want: 200}},
	{"GET /operator/applications/{applicationId}", example{Want: 200}},
	{"POST /operator/applications/{applicationId}/review", example{Want: 200}},
	{"POST /operator/applications/{applicationId}/decision", example{
		Body: func(*flow) any { return map[string]string{"decision": "accept", "comment": "Wszystko w porządku"} },
		Want: 200,
	}},
	{"GET /profiles/{profileId}/cards", example{Want: 200}},
	{"GET /profiles/{profileId}/cards/{cardId}/qr", example{Want: 200}},
	{"GET /cards/qr-keys", example{Want: 200}},
	{"POST /profiles/{profileId}/cards/{cardId}/block", example{
		Body: func(*flow) any { return map[string]string{"reason": "lost"} },
		Want: 200,
	}},
	{"POST /operator/cards/{cardId}/unblock", example{Want: 200}},
	// What the card is for: its packages, an identifier, checks by a partner
	// and an inspector, a benefit, the histories.
	{"GET /profiles/{profileId}/packages", example{Want: 200}},
	{"POST /profiles/{profileId}/identifiers", example{
		Body: func(*flow) any {
			return map[string]string{"typeId": "student-id", "value": fmt.Sprintf("%08d", time.Now().UnixNano()%1e8)}
		},
		Want: 201,
	}},
	{"GET /profiles/{profileId}/identifiers", example{Want: 200}},
	{"POST /verify", example{
		// By number, as a partner's terminal types it: the number's claim is
		// one read more than a QR token, which names the card (POST
		// /partner/benefits below is measured with one).
		Before: func(f *flow) {
			var cards struct {
				Items []struct{ CardID, Number string }
			}
			f.env.Call(f.t, "GET", f.profilePath("/cards"), f.access, nil).Expect(f.t, 200).Decode(f.t, &cards)
			f.ids["cardNumber"] = cards.Items[0].Number
		},
		Body: func(f *flow) any { return map[string]string{"cardNumber": f.ids["cardNumber"]} },
		Want: 200,
	}},
	{"GET /profiles/{profileId}/cards/{cardId}/checks", example{Want: 200}},
	{"POST /partner/benefits", example{
		Before: func(f *flow) { f.ids["qrToken"] = f.qrToken() },
		Body: func(f *flow) any {
			return map[string]any{"qrToken": f.ids["qrToken"], "packageId": "transport", "name": "Bilet miesięczny ulgowy", "amount": 55.5}
		},
		Want: 201,
	}},
	{"DELETE /profiles/{profileId}/identifiers/{identifierId}", example{Want: 204}},
	{"POST /operator/cards/{cardId}/status", example{
		// A physical card to hand over: ordered with the virtual one, accepted.
		Path: "/operator/cards/{physicalCardId}/status",
		Before: func(f *flow) {
			id := f.application(map[string]any{"type": "physical_card", "data": map[string]any{"pickupPointId": "mck-centrum"}})
			f.env.Call(f.t, "POST", f.profilePath("/applications/"+id+"/submit"), f.access, nil).Expect(f.t, 200)
			f.env.Call(f.t, "POST", "/operator/applications/"+id+"/decision", f.staffToken(routes.GroupOperators),
				map[string]string{"decision": "accept"}).Expect(f.t, 200)
			var cards struct {
				Items []struct{ CardID, Kind string }
			}
			f.env.Call(f.t, "GET", f.profilePath("/cards"), f.access, nil).Expect(f.t, 200).Decode(f.t, &cards)
			for _, c := range cards.Items {
				if c.Kind == "physical" {
					f.ids["physicalCardId"] = c.CardID
				}
			}
		},
		Body: func(*flow) any { return map[string]string{"status": "ready_for_pickup"} },
		Want: 200,
	}},

	// Cases: the city broadcasts; the resident opens a case with an attachment
	// and lists it among the broadcast; the operator answers from the inbox;
	// the resident reads the answer (marking it read), pages back and replies;
	// the operator closes the case.
	{"POST /operator/cases", example{
		Body: func(*flow) any {
			return map[string]any{"broadcast": true, "typeId": "announcement", "subject": "Nowe zniżki",
				"body": "Od 1 grudnia posiadacze karty płacą połowę ceny biletu na basen."}
		},
		Want: 201,
	}},
	{"POST /profiles/{profileId}/cases", example{
		Before: func(f *flow) {
			f.ids["attachmentUploadId"] = f.env.Upload(f.t, f.access, f.ids["profileId"], "attachment", "application/pdf", testenv.PDFBytes)
		},
		Body: func(f *flow) any {
			return map[string]any{"typeId": "complaint", "subject": "Zniżka na basen nie została naliczona",
				"body": "Dzień dobry, w kasie basenu nie uznano mojej karty.", "attachmentUploadIds": []string{f.ids["attachmentUploadId"]}}
		},
		Want: 201,
	}},
	{"GET /profiles/{profileId}/cases", example{
		Want: 200,
		Note: "the profile's cases and the broadcasts: two Queries at once, 2 round trips in time",
	}},
	{"GET /operator/cases", example{Path: "/operator/cases?waiting=city&limit=20", Want: 200}},
	{"GET /operator/cases/{caseId}", example{Want: 200}},
	{"POST /operator/cases/{caseId}/messages", example{
		Body: func(*flow) any { return map[string]any{"body": "Dzień dobry, prosimy o zdjęcie paragonu."} },
		Want: 201,
	}},
	{"GET /profiles/{profileId}/cases/unread-count", example{Want: 200}},
	{"GET /profiles/{profileId}/cases/{caseId}", example{
		Want: 200,
		Note: "unread: the read and the mark (a write)",
	}},
	{"GET /profiles/{profileId}/cases/{caseId}/messages", example{
		Path: "/profiles/{profileId}/cases/{caseId}/messages?limit=1&cursor={messageCursor}",
		Before: func(f *flow) {
			var d struct {
				NextCursor string `json:"nextCursor"`
			}
			f.env.Call(f.t, "GET", f.profilePath("/cases/"+f.ids["caseId"]+"?limit=1"), f.access, nil).Expect(f.t, 200).Decode(f.t, &d)
			f.ids["messageCursor"] = d.NextCursor
		},
		Want: 200,
	}},
	{"POST /profiles/{profileId}/cases/{caseId}/messages", example{
		Before: func(f *flow) {
			f.ids["attachmentUploadId"] = f.env.Upload(f.t, f.access, f.ids["profileId"], "attachment", "image/jpeg", testenv.JPEGBytes)
		},
		Body: func(f *flow) any {
			return map[string]any{"body": "W załączniku zdjęcie paragonu.", "attachmentUploadIds": []string{f.ids["attachmentUploadId"]}}
		},
		Want: 201,
	}},
	{"GET /operator/cases/{caseId}/messages", example{
		Path: "/operator/cases/{caseId}/messages?limit=1&cursor={messageCursor}",
		Want: 200,
	}},
	{"POST /operator/cases/{caseId}/close", example{Want: 200}},

	// The household: a child added; the head withdraws a mandatory consent,
	// which blocks the household's accounts and live cards, and accepts it
	// again outside the measured request.
	{"POST /family", example{
		Before: func(f *flow) { f.ids["headProfileId"] = f.ids["profileId"] },
		Body: func(*flow) any {
			return map[string]string{"firstName": "Ola", "lastName": "Nowak", "birthDate": "2016-03-10", "relationship": "child"}
		},
		Want: 201,
		// The answer's profileId is the child's; later paths are the head's.
		After: func(f *flow, _ *testenv.Resp) { f.ids["profileId"] = f.ids["headProfileId"] },
	}},
	{"PUT /account/consents/{clauseId}", example{
		Path: "/account/consents/residence",
		Body: func(*flow) any { return map[string]bool{"accepted": false} },
		Want: 200,
		After: func(f *flow, _ *testenv.Resp) {
			f.env.Call(f.t, "PUT", "/account/consents/residence", f.access, map[string]bool{"accepted": true}).Expect(f.t, 200)
		},
		Note: "a mandatory clause withdrawn by the head of a household of 2 with a card: the cascade (see the reasons below)",
	}},

	{"DELETE /profiles/{profileId}/applications/{applicationId}", example{
		// A draft the resident drops.
		Path: "/profiles/{profileId}/applications/{draftApplicationId}",
		Before: func(f *flow) {
			f.ids["draftApplicationId"] = f.application(map[string]any{"type": "data_change", "data": map[string]any{}})
		},
		Want: 204,
	}},

	{"POST /account/password", example{
		Body: func(f *flow) any {
			return map[string]string{"currentPassword": f.password, "newPassword": changedPassword, "newPasswordRepeat": changedPassword}
		},
		Want:  204,
		After: func(f *flow, _ *testenv.Resp) { f.password = changedPassword },
		Late:  true,
	}},
	{"POST /auth/password/forgot", example{
		Body: func(f *flow) any { return map[string]string{"email": f.email} },
		Want: 202,
		Late: true,
	}},
	{"POST /auth/password/reset", example{
		Before: func(f *flow) { f.link = f.awaitLink("/reset-password") },
		Body: func(f *flow) any {
			return map[string]string{"token": f.link, "newPassword": resetPassword, "newPasswordRepeat": resetPassword}
		},
		Want:  204,
		After: func(f *flow, _ *testenv.Resp) { f.password = resetPassword },
		Late:  true,
	}},
	{"POST /auth/logout", example{
		// The reset ended the session: log in again for one to end.
		Before: func(f *flow) { f.login() },
		Body:   func(f *flow) any { return map[string]string{"refreshToken": f.refresh} },
		Want:   204,
		Late:   true,
	}},
	{"DELETE /account", example{
		// Last: the household is erased (the erasure itself runs as a task).
		// cognito-local's tokens carry no origin_jti, so a session is named
		// by its auth_time (account.TokenID): a login in the second of the
		// logout above would share its name and be refused.
		Before: func(f *flow) { time.Sleep(time.Second); f.login() },
		Body:   func(f *flow) any { return map[string]string{"password": f.password} },
		Want:   204,
		Late:   true,
		Note:   "the erasure's own reads and writes run in the task (see the erasure section)",
	}},
}

// cardData is a complete card_issue form with the uploaded files.
func (f *flow) cardData(firstName string) map[string]any {
	return map[string]any{
		"firstName": firstName, "lastName": "Nowak", "birthDate": "1990-04-12", "cardKind": "virtual",
		"photoUploadId": f.ids["photoUploadId"], "documentUploadIds": []string{f.ids["documentUploadId"]},
		"consents": []map[string]any{
			{"clauseId": "terms", "accepted": true},
			{"clauseId": "gdpr", "accepted": true},
			{"clauseId": "residence", "accepted": true},
		},
	}
}

func (f *flow) profilePath(rest string) string { return "/profiles/" + f.ids["profileId"] + rest }

// application files a draft outside the measured requests and returns its id.
func (f *flow) application(body any) string {
	var a struct {
		ApplicationID string `json:"applicationId"`
	}
	f.env.Call(f.t, "POST", f.profilePath("/applications"), f.access, body).Expect(f.t, 201).Decode(f.t, &a)
	return a.ApplicationID
}

// postFile sends a file to S3 with the presigned form of an upload's answer, as
// the portal does, and returns the upload id.
func (f *flow) postFile(r *testenv.Resp, content []byte) string {
	var c struct {
		UploadID string            `json:"uploadId"`
		URL      string            `json:"url"`
		Fields   map[string]string `json:"fields"`
	}
	r.Decode(f.t, &c)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range c.Fields {
		_ = w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile("file", "upload")
	if err != nil {
		f.t.Fatalf("form: %v", err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	res, err := http.Post(c.URL, w.FormDataContentType(), &buf)
	if err != nil {
		f.t.Fatalf("post the file to S3: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(res.Body)
		f.t.Fatalf("S3 POST answered %d: %s", res.StatusCode, b)
	}
	return c.UploadID
}

// ageAccount moves one of the resident's timestamps back, as if that long had
// passed since.
func (f *flow) ageAccount(attr string, by time.Duration) {
	ctx := context.Background()
	t := store.Of(f.env.Deps)
	var claim account.EmailClaim
	if err := t.Get(ctx, store.EmailKey(f.email), &claim); err != nil {
		f.t.Fatalf("read the e-mail claim: %v", err)
	}
	if err := t.Update(ctx, store.AccountKey(claim.AccountID),
		expression.Set(expression.Name(attr), expression.Value(time.Now().Add(-by).Unix())), nil, nil); err != nil {
		f.t.Fatalf("age %s: %v", attr, err)
	}
}

// qrToken is a fresh QR token of the resident's card.
func (f *flow) qrToken() string {
	var q struct{ Token string }
	f.env.Call(f.t, "GET", f.profilePath("/cards/"+f.ids["cardId"]+"/qr"), f.access, nil).Expect(f.t, 200).Decode(f.t, &q)
	return q.Token
}
