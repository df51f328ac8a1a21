package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/routes"
)

func serve(t *testing.T, route routes.Route, h Handler, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, Problem) {
	t.Helper()
	a := &Adapter{Route: route, Handler: h, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	out, err := a.Serve(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	var p Problem
	if out.Headers["Content-Type"] == "application/problem+json" {
		if err := json.Unmarshal([]byte(out.Body), &p); err != nil {
			t.Fatal(err)
		}
		if p.Status != out.StatusCode || p.Type != "/problems/"+string(p.Code) {
			t.Fatalf("problem %+v does not match status %d", p, out.StatusCode)
		}
	}
	return out, p
}

func withClaims(groups string) events.APIGatewayV2HTTPRequest {
	return events.APIGatewayV2HTTPRequest{RequestContext: events.APIGatewayV2HTTPRequestContext{
		RequestID: "r-1",
		Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": "s-1", "cognito:groups": groups}},
		},
	}}
}

var never Handler = func(context.Context, *Request) (*Response, error) {
	panic("the handler must not run")
}

// R14.2: who may call is checked before the handler runs; answers are problem+json.
func TestAdapterAuthorization(t *testing.T) {
	op := routes.Route{Method: "GET", Path: "/operator/x", Function: "x", Access: routes.Operators}
	res := routes.Route{Method: "GET", Path: "/profiles", Function: "y", Access: routes.Resident}

	out, p := serve(t, op, never, events.APIGatewayV2HTTPRequest{})
	if out.StatusCode != 401 || p.Code != apierr.Unauthorized {
		t.Fatalf("no token: %d %s", out.StatusCode, p.Code)
	}
	out, p = serve(t, op, never, withClaims("[partners]"))
	if out.StatusCode != 403 || p.Code != apierr.Forbidden {
		t.Fatalf("partner on operator route: %d %s", out.StatusCode, p.Code)
	}
	out, p = serve(t, res, never, withClaims("[operators]"))
	if out.StatusCode != 403 || p.Code != apierr.Forbidden {
		t.Fatalf("operator on resident route: %d %s", out.StatusCode, p.Code)
	}
}

func TestAdapterAnswers(t *testing.T) {
	pub := routes.Route{Method: "POST", Path: "/p", Function: "p", Access: routes.Public}
	out, p := serve(t, pub, never, events.APIGatewayV2HTTPRequest{Body: strings.Repeat("x", MaxBody+1)})
	if out.StatusCode != 413 || p.Code != apierr.PayloadTooLarge {
		t.Fatalf("oversized: %d %s", out.StatusCode, p.Code)
	}
	// An internal error is logged, never shown.
	out, p = serve(t, pub, func(context.Context, *Request) (*Response, error) {
		return nil, errors.New("dynamodb: secret table arn:aws:dynamodb:eu-central-1:123:table/x")
	}, events.APIGatewayV2HTTPRequest{})
	if out.StatusCode != 500 || p.Code != apierr.Internal || strings.Contains(out.Body, "arn:") {
		t.Fatalf("internal: %d %s", out.StatusCode, out.Body)
	}
	out, p = serve(t, pub, func(context.Context, *Request) (*Response, error) {
		return nil, &apierr.Error{Code: apierr.RetryLater, Message: "busy", RetryAfter: 2}
	}, events.APIGatewayV2HTTPRequest{})
	if out.StatusCode != 503 || out.Headers["Retry-After"] != "2" {
		t.Fatalf("retry later: %d %v", out.StatusCode, out.Headers)
	}
	out, _ = serve(t, pub, func(context.Context, *Request) (*Response, error) {
		return JSON(201, map[string]string{"name": "Łódź <&>"}), nil
	}, events.APIGatewayV2HTTPRequest{})
	if out.StatusCode != 201 || out.Body != `{"name":"Łódź <&>"}` || out.Headers["Content-Type"] != "application/json" {
		t.Fatalf("json: %d %q", out.StatusCode, out.Body)
	}
}

// Issue 7, item 9: every path parameter of the route table has a shape, so
// the adapter can check it before any read.
func TestPathIDsCoverTheRouteTable(t *testing.T) {
	for _, r := range routes.All {
		for _, seg := range strings.Split(r.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				if name := strings.Trim(seg, "{}"); PathIDs[name].Valid == nil {
					t.Errorf("%s: path parameter %s has no shape in PathIDs", r.Key(), name)
				}
			}
		}
	}
	for name, v := range map[string]string{"profileId": "me", "kind": "pickup-points",
		"applicationId": "01ARZ3NDEKTSV4RRFFQ69G5FAV.01ARZ3NDEKTSV4RRFFQ69G5FAW",
		"caseId":        "01ARZ3NDEKTSV4RRFFQ69G5FAW"} {
		if !PathIDs[name].Valid(v) {
			t.Errorf("%s %q refused", name, v)
		}
	}
	pub := routes.Route{Method: "GET", Path: "/dictionaries/{kind}", Function: "d", Access: routes.Public}
	ev := events.APIGatewayV2HTTPRequest{PathParameters: map[string]string{"kind": strings.Repeat("a", 2000)}}
	if out, p := serve(t, pub, never, ev); out.StatusCode != 404 || p.Code != apierr.NotFound {
		t.Fatalf("oversized kind: %d %s", out.StatusCode, p.Code)
	}
}

func TestRequestPath(t *testing.T) {
	r := &Request{Route: routes.Route{Path: "/profiles/{profileId}/applications/{applicationId}"},
		Params: map[string]string{"profileId": "me", "applicationId": "A.B"}}
	if got := r.Path(); got != "/profiles/me/applications/A.B" {
		t.Fatalf("path %q", got)
	}
}

// Every answer of a function, success or problem, carries nosniff.
func TestAdapterNoSniff(t *testing.T) {
	pub := routes.Route{Method: "GET", Path: "/p", Function: "p", Access: routes.Public}
	for _, h := range []Handler{
		func(context.Context, *Request) (*Response, error) { return JSON(200, map[string]string{}), nil },
		func(context.Context, *Request) (*Response, error) { return NoContent(), nil },
		func(context.Context, *Request) (*Response, error) { return nil, apierr.New(apierr.NotFound, "x") },
		func(context.Context, *Request) (*Response, error) { return nil, errors.New("internal") },
	} {
		if out, _ := serve(t, pub, h, events.APIGatewayV2HTTPRequest{}); out.Headers["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("%d answered without nosniff: %v", out.StatusCode, out.Headers)
		}
	}
}
