// Package httpapi is the one place where API Gateway events are decoded,
// authorized, validated and answered (problem+json for errors). Handlers see a
// Request and return a Response whose writes the adapter commits.
package httpapi

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// MaxBody is the largest request body accepted (413 above).
const MaxBody = 64 << 10

// Handler serves one route.
type Handler func(ctx context.Context, r *Request) (*Response, error)

// Caller is who sent a request, from the JWT the authorizer verified.
type Caller struct {
	Sub      string
	Groups   []string
	AuthTime int64
	// TokenID names the token's session (account.TokenID).
	TokenID string
}

// Request is what a handler sees.
type Request struct {
	Route     routes.Route
	Event     *events.APIGatewayV2HTTPRequest
	Params    map[string]string
	Query     map[string]string
	Body      []byte
	RequestID string
	// Caller and Account are set on authenticated routes; Account has passed the
	// state check (active, session not ended).
	Caller  *Caller
	Account *account.Account
	// Token is the bearer token as sent, for the few handlers that hand it on.
	Token string
	// counters are the route's abuse limits for this request; early says
	// whether those taken with the handler's deciding write (routes.Limit
	// Before) are counted already.
	counters []counter
	early    bool
	adapter  *Adapter
	// prefetched are the items read with the account (prefetch.go), nil
	// where read and missing.
	prefetched map[store.Key]map[string]types.AttributeValue
}

// Header returns a request header (API Gateway lower-cases their names).
func (r *Request) Header(name string) string {
	if r.Event == nil {
		return ""
	}
	return r.Event.Headers[strings.ToLower(name)]
}

// Path is the request's path as the route table names it, with its
// parameters filled in (already checked for their shape, so none holds a
// slash): the same for every way a client may spell it.
func (r *Request) Path() string {
	parts := strings.Split(r.Route.Path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			parts[i] = r.Params[p[1:len(p)-1]]
		}
	}
	return strings.Join(parts, "/")
}

// callerFrom reads the claims the HTTP API's JWT authorizer (or the local
// gateway, which does the same) put in the event.
func callerFrom(ev *events.APIGatewayV2HTTPRequest) *Caller {
	a := ev.RequestContext.Authorizer
	if a == nil || a.JWT == nil || a.JWT.Claims["sub"] == "" {
		return nil
	}
	c := a.JWT.Claims
	at, _ := strconv.ParseInt(c["auth_time"], 10, 64)
	return &Caller{Sub: c["sub"], Groups: parseGroups(c["cognito:groups"]), AuthTime: at,
		TokenID: account.TokenID(c["origin_jti"], at)}
}

// parseGroups reads an array claim as HTTP APIs pass it: "[a b]" (or a JSON
// array, or one bare name).
func parseGroups(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "[")
	s = strings.TrimSuffix(s, "]")
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		f = strings.Trim(f, `"`)
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Response is a handler's answer: a status, a body and the writes to commit.
type Response struct {
	Status  int
	Body    any
	Headers map[string]string
	// Tx is committed by the adapter, together with the idempotency record when
	// the request carries a key, so a retry can never apply twice.
	Tx *store.Tx
	// After runs once the writes are committed and cannot change the answer:
	// a committed change is never answered as an error. Work outside the
	// table that must follow the change is a task in Tx (package task).
	After func(context.Context)
	// Aborted runs when the writes fail to commit (a lost condition, the
	// table throttled): a handler that took a hold before acting outside
	// the table gives it back, so the retry need not wait for it to go stale.
	Aborted func(context.Context)
}

// JSON answers a body with a status.
func JSON(status int, body any) *Response { return &Response{Status: status, Body: body} }

// NoContent answers 204.
func NoContent() *Response { return &Response{Status: 204} }

// Accepted answers 202 with no body.
func Accepted() *Response { return &Response{Status: 202} }

// With attaches the writes of the change.
func (r *Response) With(tx *store.Tx) *Response { r.Tx = tx; return r }

// Then runs f after the writes are committed.
func (r *Response) Then(f func(context.Context)) *Response { r.After = f; return r }

// OnAbort runs f when the writes fail to commit.
func (r *Response) OnAbort(f func(context.Context)) *Response { r.Aborted = f; return r }

// List is every list answer's shape.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// Instead is an error that answers a response: a write's onFail for a lost race
// whose outcome is still a success to the client (e.g. a duplicate notice
// already sent), so the handler need not commit its writes itself.
func Instead(resp *Response) error { return &instead{resp} }

type instead struct{ resp *Response }

func (i *instead) Error() string { return "answered instead" }
