package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Adapter turns a Handler into a Lambda handler for API Gateway HTTP API events.
type Adapter struct {
	Route   routes.Route
	Handler Handler
	Table   *store.Table
	Log     *slog.Logger
}

// idempotencyTTL is how long a first answer is kept for retries.
const idempotencyTTL = 24 * time.Hour

// Serve answers one event. It never returns an error: every failure is an
// HTTP answer, so API Gateway never turns one into an opaque 500.
func (a *Adapter) Serve(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	start := time.Now()
	r := &Request{Route: a.Route, Event: &ev, Params: ev.PathParameters, Query: ev.QueryStringParameters,
		RequestID: ev.RequestContext.RequestID}
	if r.Params == nil {
		r.Params = map[string]string{}
	}
	if r.Query == nil {
		r.Query = map[string]string{}
	}
	resp, err := a.serve(ctx, r, ev)
	out := a.encode(r, resp, err)
	a.log(ctx, r, out.StatusCode, err, time.Since(start))
	return out, nil
}

func (a *Adapter) serve(ctx context.Context, r *Request, ev events.APIGatewayV2HTTPRequest) (*Response, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, apierr.New(apierr.MalformedJSON, "The body is not valid base64.")
		}
		body = b
	}
	if len(body) > MaxBody {
		return nil, apierr.New(apierr.PayloadTooLarge, "The body is larger than %d bytes.", MaxBody)
	}
	r.Body = body
	if err := a.authorize(ctx, r); err != nil {
		return nil, err
	}
	// After the role check (a caller the route does not admit learns nothing
	// from an id), before any read the handler makes.
	if err := checkPathIDs(r.Params); err != nil {
		return nil, err
	}
	r.counters = a.countersOf(r)
	r.adapter = a
	key := r.Header("idempotency-key")
	if !a.Route.Idempotent || key == "" {
		return a.run(ctx, r, nil)
	}
	if len(key) > 128 || strings.TrimSpace(key) != key {
		return nil, &apierr.Error{Code: apierr.Validation, Message: "The Idempotency-Key header is invalid.",
			Fields: []apierr.FieldError{{Field: "Idempotency-Key", Code: "invalid"}}}
	}
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	// A key is scoped to its caller, the method and the concrete path, so it
	// never replays an answer of another object's path. Anonymous callers
	// cannot be told apart, so their keys are scoped by the body too: two
	// registrants who send one key do not collide (the second is a request of
	// its own, not a refused reuse), and a retry of the same body still replays.
	caller := "anonymous:" + bodyHash
	if r.Caller != nil {
		caller = "account:" + r.Caller.Sub
	}
	rec := &Idempotency{Key: store.IdempotencyKey(caller, a.Route.Method+" "+r.Path(), key), BodyHash: bodyHash}
	if r.Caller != nil {
		rec.Index2 = store.OwnerIndex(r.Caller.Sub, rec.Key)
	}
	// No read first: the record is written with the change, so a retry's own
	// write fails on it and the retry replays the stored answer (or, with
	// another body, is refused) — one round trip less for every first request.
	return a.run(ctx, r, rec)
}

// run calls the handler and commits its writes; with an idempotency record the
// record is written in the same transaction, so of two racing retries one
// commits and the other replays its answer.
func (a *Adapter) run(ctx context.Context, r *Request, rec *Idempotency) (*Response, error) {
	resp, err := a.Handler(ctx, r)
	if err != nil && len(r.counters) > 0 {
		if e := apierr.From(err); e != nil && e.Status() >= 400 && e.Status() < 500 {
			if cerr := a.countRefused(ctx, r.counters, r.early, true); cerr != nil {
				return nil, cerr
			}
		}
	}
	if err != nil {
		if rec != nil && apierr.From(err) != nil {
			// A retry that raced its first request may be refused by the state
			// the first one made (e.g. "already open"): it gets the first answer.
			if old, rerr := a.replay(ctx, rec); old != nil || rerr != nil {
				return old, rerr
			}
		}
		return nil, err
	}
	if rec != nil && resp.Status < 300 {
		rec.Status = resp.Status
		if resp.Body != nil {
			body, err := json.Marshal(resp.Body)
			if err != nil {
				return nil, err
			}
			rec.Response = body
		}
		rec.TTL = a.Table.Now().Add(idempotencyTTL).Unix()
		if resp.Tx == nil {
			resp.Tx = &store.Tx{}
		}
		resp.Tx.Create(rec, errReplay)
	}
	counting := len(r.counters) > 0 && resp.Status < 400
	if counting {
		if resp.Tx == nil {
			resp.Tx = &store.Tx{}
		}
		countIn(resp.Tx, r.counters, r.early, a.Table.Now())
	}
	if err := a.commitCounted(ctx, resp.Tx); err != nil {
		if resp.Aborted != nil {
			resp.Aborted(ctx)
		}
		if rec != nil {
			// A racing retry may have committed first: its answer is ours.
			if old, rerr := a.replay(ctx, rec); old != nil || rerr != nil {
				return old, rerr
			}
		}
		var in *instead
		if errors.As(err, &in) {
			if counting {
				// The answer stands, but its counts went with the
				// transaction: taken on their own, or a limit answers.
				if cerr := a.countRefused(ctx, r.counters, r.early, false); cerr != nil {
					return nil, cerr
				}
			}
			return in.resp, nil
		}
		return nil, err
	}
	if resp.After != nil {
		resp.After(ctx)
	}
	return resp, nil
}

var errReplay = errors.New("idempotency record exists")

// replay answers the stored first answer, or nil when there is none.
func (a *Adapter) replay(ctx context.Context, rec *Idempotency) (*Response, error) {
	var old Idempotency
	err := a.Table.Get(ctx, rec.Key, &old)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if old.BodyHash != rec.BodyHash {
		return nil, apierr.New(apierr.IdempotencyKeyReused, "This Idempotency-Key was used with another body.")
	}
	resp := &Response{Status: old.Status, Headers: map[string]string{"Idempotent-Replayed": "true"}}
	if len(old.Response) > 0 {
		resp.Body = json.RawMessage(old.Response)
	}
	return resp, nil
}

// authorize checks the token's presence and role (the JWT itself is verified by
// API Gateway), then the account's state in the table.
func (a *Adapter) authorize(ctx context.Context, r *Request) error {
	r.Caller = callerFrom(r.Event)
	if h := r.Header("authorization"); strings.HasPrefix(h, "Bearer ") {
		r.Token = strings.TrimPrefix(h, "Bearer ")
	}
	if a.Route.Access == routes.Public {
		return nil
	}
	if r.Caller == nil {
		return apierr.New(apierr.Unauthorized, "Log in to use this endpoint.")
	}
	if !a.Route.Access.Admits(r.Caller.Groups) {
		return apierr.New(apierr.Forbidden, "Your role may not use this endpoint.")
	}
	var acc account.Account
	found, err := a.readAccount(ctx, r, store.AccountKey(r.Caller.Sub), &acc)
	if err != nil {
		return err
	}
	if !found {
		return apierr.New(apierr.Unauthorized, "The account does not exist.")
	}
	if err := account.Gate(&acc, r.Caller.AuthTime, a.Route.WhileBlocked); err != nil {
		return err
	}
	if err := memberReach(a.Route, &acc, r.Params); err != nil {
		return err
	}
	if err := account.CheckToken(&acc, r.Caller.TokenID, a.Table.Now()); err != nil {
		return err
	}
	r.Account = &acc
	return nil
}

// memberReach is the household rule of the route table, for every route in
// one place (R10.4): a family member's own login reaches its own profile only
// (any other profile's path is 404, as a missing one) and there only the
// routes marked Members; elsewhere 403 household_head_only. The head reaches
// every profile of the household (switching: the handlers' profile.Resolve).
func memberReach(rt routes.Route, acc *account.Account, params map[string]string) error {
	if acc.Head || acc.ProfileID == "" {
		return nil // the head, or staff (no profile)
	}
	if strings.Contains(rt.Path, "{profileId}") {
		// "me" is the caller's own profile (profile.Me).
		if id := params["profileId"]; id != "me" && id != acc.ProfileID {
			return apierr.New(apierr.NotFound, "No such profile.")
		}
	}
	if !rt.Members {
		return apierr.New(apierr.HouseholdHeadOnly, "Only the household's head may do this.")
	}
	return nil
}

// Problem is the RFC 9457 body of every error answer.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Code      apierr.Code         `json:"code"`
	Detail    string              `json:"detail,omitempty"`
	Errors    []apierr.FieldError `json:"errors,omitempty"`
	RequestID string              `json:"requestId,omitempty"`
}

func (a *Adapter) encode(r *Request, resp *Response, err error) events.APIGatewayV2HTTPResponse {
	// No answer is cached unless its handler says so, and none is read as
	// anything but its declared content type.
	headers := map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
	if err != nil {
		e := apierr.From(err)
		if e == nil {
			e = apierr.New(apierr.Internal, "Something went wrong on our side.")
		}
		p := Problem{Type: "/problems/" + string(e.Code), Title: http.StatusText(e.Status()), Status: e.Status(),
			Code: e.Code, Detail: e.Message, Errors: e.Fields, RequestID: r.RequestID}
		headers["Content-Type"] = "application/problem+json"
		if e.RetryAfter > 0 {
			headers["Retry-After"] = itoa(e.RetryAfter)
		}
		b, _ := json.Marshal(p)
		return events.APIGatewayV2HTTPResponse{StatusCode: p.Status, Headers: headers, Body: string(b)}
	}
	for k, v := range resp.Headers {
		headers[k] = v
	}
	out := events.APIGatewayV2HTTPResponse{StatusCode: resp.Status, Headers: headers}
	if resp.Body != nil && resp.Status != http.StatusNoContent {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(resp.Body); err != nil {
			return a.encode(r, nil, err)
		}
		headers["Content-Type"] = "application/json"
		out.Body = strings.TrimSuffix(buf.String(), "\n")
	}
	return out
}

func (a *Adapter) log(ctx context.Context, r *Request, status int, err error, d time.Duration) {
	attrs := []slog.Attr{
		slog.String("requestId", r.RequestID),
		slog.String("route", a.Route.Key()),
		slog.Int("status", status),
		slog.Int64("durationMs", d.Milliseconds()),
	}
	level := slog.LevelInfo
	if err != nil {
		if e := apierr.From(err); e != nil {
			attrs = append(attrs, slog.String("code", string(e.Code)))
		} else {
			// Internal errors are logged in full (they carry no request data) and
			// never answered.
			level = slog.LevelError
			attrs = append(attrs, slog.String("error", apierr.Redact(err)))
		}
	}
	a.Log.LogAttrs(ctx, level, "request", attrs...)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
