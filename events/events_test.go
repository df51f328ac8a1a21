// Package events_test checks the sample events of `make invoke`: each decodes,
// without unknown fields, into the aws-lambda-go type its function receives,
// and each HTTP event names a route of the route table consistently.
package events_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/schedule"
)

// Every function, route or job, has a sample event (`make invoke` runs any of
// them); `make events` writes the missing ones from the route table and the
// contract's examples.
func TestEveryFunctionHasAnEvent(t *testing.T) {
	for _, name := range routes.Functions() {
		if _, err := os.Stat(name + ".json"); err != nil {
			t.Errorf("events/%s.json is missing: run make events", name)
		}
	}
}

func TestSampleEvents(t *testing.T) {
	files, err := filepath.Glob("*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no sample events")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(file, ".json"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var shape map[string]json.RawMessage
			if err := json.Unmarshal(raw, &shape); err != nil {
				t.Fatalf("not a JSON object: %v", err)
			}
			switch {
			case shape["Records"] != nil:
				var ev events.DynamoDBEvent
				strict(t, raw, &ev)
				checkStream(t, ev)
			case shape["routeKey"] != nil:
				var ev events.APIGatewayV2HTTPRequest
				strict(t, raw, &ev)
				checkHTTP(t, ev)
			case shape["now"] != nil:
				var ev schedule.Event
				strict(t, raw, &ev)
				checkJob(t, strings.TrimSuffix(file, ".json"), ev)
			default:
				t.Fatal("neither an API Gateway v2 event (routeKey), a DynamoDB stream event (Records) nor a scheduled job's (now)")
			}
		})
	}
}

// strict decodes like the runtime does, but refuses fields the type lacks: a
// misspelt field would otherwise be dropped silently.
func strict(t *testing.T, raw []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode into %T: %v", v, err)
	}
}

func checkHTTP(t *testing.T, ev events.APIGatewayV2HTTPRequest) {
	if ev.Version != "2.0" {
		t.Errorf("version %q, want 2.0 (payload format of HTTP APIs)", ev.Version)
	}
	var route routes.Route
	found := false
	for _, r := range routes.All {
		if r.Key() == ev.RouteKey {
			route, found = r, true
		}
	}
	if !found {
		t.Fatalf("routeKey %q is not in routes.All", ev.RouteKey)
	}
	rc := ev.RequestContext
	if rc.RouteKey != ev.RouteKey {
		t.Errorf("requestContext.routeKey %q differs from routeKey %q", rc.RouteKey, ev.RouteKey)
	}
	if rc.HTTP.Method != route.Method || rc.HTTP.Path != ev.RawPath {
		t.Errorf("requestContext.http is %s %s, want %s %s", rc.HTTP.Method, rc.HTTP.Path, route.Method, ev.RawPath)
	}
	matched, params, ok := routes.Find(rc.HTTP.Method, ev.RawPath)
	if !ok || matched.Key() != ev.RouteKey {
		t.Errorf("rawPath %s matches route %q, want %q", ev.RawPath, matched.Key(), ev.RouteKey)
	}
	if len(params) == 0 {
		params = nil
	}
	if !maps.Equal(params, ev.PathParameters) {
		t.Errorf("pathParameters %v, want %v", ev.PathParameters, params)
	}
	for name, v := range params {
		if id, ok := httpapi.PathIDs[name]; !ok || !id.Valid(v) {
			t.Errorf("path parameter %s=%q is not of the shape the adapter admits (it would answer 404)", name, v)
		}
	}
	var claims map[string]string
	if a := rc.Authorizer; a != nil && a.JWT != nil {
		claims = a.JWT.Claims
	}
	if route.Access == routes.Public && claims != nil {
		t.Error("a public route has no authorizer, so its event carries no claims")
	}
	if route.Access != routes.Public && claims["sub"] == "" {
		t.Errorf("route %s needs a token: the event needs JWT claims with a sub", route.Key())
	}
	if ev.Body != "" && !ev.IsBase64Encoded {
		if !json.Valid([]byte(ev.Body)) {
			t.Error("body is not JSON")
		}
		if ev.Headers["content-type"] != "application/json" {
			t.Errorf("content-type %q for a JSON body", ev.Headers["content-type"])
		}
	}
}

// checkJob: a scheduled job's event is named after the job and gives the
// instant it runs for, as the schedule's input does.
func checkJob(t *testing.T, name string, ev schedule.Event) {
	scheduled := false
	for _, j := range routes.Jobs {
		scheduled = scheduled || (j.Function == name && j.Schedule != "")
	}
	if !scheduled {
		t.Errorf("%s.json: no scheduled job %s in routes.Jobs", name, name)
	}
	if ev.Now == nil || ev.Now.IsZero() {
		t.Error("now is missing")
	}
}

func checkStream(t *testing.T, ev events.DynamoDBEvent) {
	if len(ev.Records) == 0 {
		t.Fatal("no records")
	}
	for i, r := range ev.Records {
		if r.EventSource != "aws:dynamodb" || !strings.Contains(r.EventSourceArn, ":table/") || !strings.Contains(r.EventSourceArn, "/stream/") {
			t.Errorf("record %d: source %q %q is not a table's stream", i, r.EventSource, r.EventSourceArn)
		}
		switch r.EventName {
		case "INSERT", "MODIFY", "REMOVE":
		default:
			t.Errorf("record %d: eventName %q", i, r.EventName)
		}
		for _, k := range []string{"PK", "SK"} {
			v, ok := r.Change.Keys[k]
			if !ok || v.DataType() != events.DataTypeString || v.String() == "" {
				t.Errorf("record %d: key %s is not a string attribute", i, k)
			}
		}
		if r.Change.SequenceNumber == "" {
			t.Errorf("record %d: no SequenceNumber (the batch item failures name it)", i)
		}
	}
}
