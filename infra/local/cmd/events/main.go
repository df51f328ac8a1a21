// Command events writes a sample event for every function that has none under
// events/: an API Gateway v2 HTTP event for a route (path parameters and body
// from the examples of openapi.yaml, JWT claims for a route that takes a token,
// with the staff group it admits), a stream record for a stream consumer, the
// schedule's input for a scheduled job. Existing files are kept: they may be
// edited by hand. `make events` runs it; events/events_test.go checks the set
// is complete and each event is consistent with the route table.
//
//	go run ./infra/local/cmd/events [DIR]
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"gopkg.in/yaml.v3"

	"github.com/kartamieszkanca/platform/shared/routes"
)

// at is the instant every generated event is made at: fixed, so a rerun
// writes the same files.
var at = time.Date(2026, 11, 24, 10, 15, 0, 0, time.UTC)

// fallback path parameters where the contract gives no example.
var fallback = map[string]string{
	"profileId": "me",
	"kind":      "pickup-points",
}

func main() {
	dir := "events"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "events:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	spec, err := loadSpec(filepath.Join(dir, "..", "openapi.yaml"))
	if err != nil {
		return err
	}
	written := 0
	write := func(name string, v any) error {
		path := filepath.Join(dir, name+".json")
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		b, err := encode(v)
		if err != nil {
			return err
		}
		written++
		fmt.Println("wrote", path)
		return os.WriteFile(path, b, 0o644)
	}
	for _, r := range routes.All {
		ev, err := httpEvent(spec, r)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Key(), err)
		}
		if err := write(r.Function, ev); err != nil {
			return err
		}
	}
	for _, j := range routes.Jobs {
		var ev any
		switch {
		case j.Stream != "":
			ev = streamEvent(j.Stream)
		case j.Schedule != "":
			ev = map[string]any{"now": at.Format(time.RFC3339)}
		default:
			return fmt.Errorf("job %s: neither a stream nor a schedule", j.Function)
		}
		if err := write(j.Function, ev); err != nil {
			return err
		}
	}
	fmt.Printf("%d new events\n", written)
	return nil
}

type operation struct {
	Parameters  []map[string]any `yaml:"parameters"`
	RequestBody map[string]any   `yaml:"requestBody"`
}

type spec struct {
	raw   map[string]any
	paths map[string]map[string]operation
	// path-level parameters, by path
	shared map[string][]map[string]any
}

func loadSpec(path string) (*spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &spec{paths: map[string]map[string]operation{}, shared: map[string][]map[string]any{}}
	if err := yaml.Unmarshal(b, &s.raw); err != nil {
		return nil, err
	}
	var doc struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for p, item := range doc.Paths {
		s.paths[p] = map[string]operation{}
		for method, node := range item {
			if method == "parameters" {
				var ps []map[string]any
				if err := node.Decode(&ps); err != nil {
					return nil, err
				}
				s.shared[p] = ps
				continue
			}
			var op operation
			if err := node.Decode(&op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, p, err)
			}
			s.paths[p][strings.ToUpper(method)] = op
		}
	}
	return s, nil
}

// deref follows a local $ref ("#/components/parameters/ProfileId").
func (s *spec) deref(v map[string]any) map[string]any {
	for {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v
		}
		var cur any = s.raw
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			return v
		}
		v = next
	}
}

func example(m map[string]any) (any, bool) {
	if e, ok := m["example"]; ok {
		return e, true
	}
	if es, ok := m["examples"].([]any); ok && len(es) > 0 {
		return es[0], true
	}
	if es, ok := m["examples"].(map[string]any); ok {
		names := make([]string, 0, len(es))
		for n := range es {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if e, ok := es[n].(map[string]any)["value"]; ok {
				return e, true
			}
		}
	}
	return nil, false
}

func httpEvent(s *spec, r routes.Route) (*events.APIGatewayV2HTTPRequest, error) {
	op, ok := s.paths[r.Path][r.Method]
	if !ok {
		return nil, fmt.Errorf("not in openapi.yaml")
	}
	params := map[string]string{}
	for _, p := range append(append([]map[string]any{}, s.shared[r.Path]...), op.Parameters...) {
		p = s.deref(p)
		if p["in"] != "path" {
			continue
		}
		name, _ := p["name"].(string)
		v, ok := fallback[name]
		if !ok {
			e, found := example(p)
			if !found {
				e, found = example(s.deref(asMap(p["schema"])))
			}
			if !found {
				return nil, fmt.Errorf("path parameter %s has no example in openapi.yaml", name)
			}
			v = fmt.Sprint(e)
		}
		params[name] = v
	}
	path := r.Path
	for name, v := range params {
		path = strings.ReplaceAll(path, "{"+name+"}", v)
	}
	headers := map[string]string{
		"accept":            "application/json",
		"accept-language":   "pl-PL,pl;q=0.9",
		"host":              "api.karta.example",
		"user-agent":        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
		"x-forwarded-for":   "198.51.100.24",
		"x-forwarded-port":  "443",
		"x-forwarded-proto": "https",
	}
	ev := &events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: r.Key(), RawPath: path, Headers: headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID: "123456789012", APIID: "a1b2c3d4e5", DomainName: "api.karta.example", DomainPrefix: "api",
			RequestID: "CjQxPhWsliAEJ-A=", RouteKey: r.Key(), Stage: "$default",
			Time: at.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: at.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method, Path: path, Protocol: "HTTP/1.1",
				SourceIP: "198.51.100.24", UserAgent: headers["user-agent"]},
		},
	}
	if len(params) > 0 {
		ev.PathParameters = params
	}
	if r.Access != routes.Public {
		sub := "7d2f4a90-1c3e-4b5a-8f6d-0e9a2b3c4d5e"
		claims := map[string]string{
			"auth_time": fmt.Sprint(at.Unix()), "client_id": "5r1q2b3c4d5e6f7g8h9i0j1k2l",
			"exp": fmt.Sprint(at.Add(time.Hour).Unix()), "iat": fmt.Sprint(at.Unix()),
			"iss":        "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbCdEf123",
			"jti":        "9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4",
			"origin_jti": "1b2c3d4e-5f6a-7b8c-9d0e-f1a2b3c4d5e6",
			"scope":      "aws.cognito.signin.user.admin", "sub": sub, "token_use": "access", "username": sub,
		}
		if g := r.Access.Groups(); len(g) > 0 {
			claims["cognito:groups"] = "[" + g[len(g)-1] + "]"
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}
		// The authorizer has checked the token before the function runs: the
		// function reads the claims, never the header's token.
		headers["authorization"] = "Bearer eyJraWQiOiJsb2NhbCIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiI3ZDJmNGE5MC0xYzNlLTRiNWEtOGY2ZC0wZTlhMmIzYzRkNWUifQ.c2lnbmF0dXJl"
	}
	if rb := s.deref(op.RequestBody); rb != nil {
		content := asMap(rb["content"])
		if media := asMap(content["application/json"]); media != nil {
			e, ok := example(media)
			if !ok {
				return nil, fmt.Errorf("the request body has no example in openapi.yaml")
			}
			b, err := json.Marshal(e)
			if err != nil {
				return nil, err
			}
			ev.Body = string(b)
			headers["content-type"] = "application/json"
			headers["content-length"] = fmt.Sprint(len(b))
		}
	}
	if r.Idempotent {
		headers["idempotency-key"] = "5f0c7e0e-8a43-4b7e-9d0e-2f6f1f3a9b21"
	}
	return ev, nil
}

// encode writes v as indented JSON without the HTML escapes of
// encoding/json and without the empty client certificate of the event type.
func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if rc, ok := m["requestContext"].(map[string]any); ok {
		delete(rc, "authentication")
	}
	var out strings.Builder
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return []byte(out.String()), nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// streamEvent is one INSERT of an item under prefix, as the table's stream
// delivers it to its consumer.
func streamEvent(prefix string) events.DynamoDBEvent {
	id := strings.ToLower(strings.TrimSuffix(prefix, "#")) + "-01JA0B1C2D3E4F5G6H7J8K9M0N"
	sk := strings.TrimSuffix(prefix, "#")
	return events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{
		EventID: "c4ca4238a0b923820dcc509a6f75849b", EventName: "INSERT", EventVersion: "1.1",
		EventSource: "aws:dynamodb", AWSRegion: "eu-central-1",
		EventSourceArn: "arn:aws:dynamodb:eu-central-1:123456789012:table/karta/stream/2026-11-01T00:00:00.000",
		Change: events.DynamoDBStreamRecord{
			ApproximateCreationDateTime: events.SecondsEpochTime{Time: at},
			Keys: map[string]events.DynamoDBAttributeValue{
				"PK": events.NewStringAttribute(prefix + id), "SK": events.NewStringAttribute(sk)},
			SequenceNumber: "4421584500000000017450439092", SizeBytes: 112, StreamViewType: "NEW_IMAGE",
		},
	}}}
}
