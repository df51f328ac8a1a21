package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/kartamieszkanca/platform/shared/routes"
)

// binary is one program of the cold starts and its first request's event.
type binary struct {
	Name, Path string
	Event      []byte
}

// firstBodies are first requests that get through validation to the work
// a function defers to its first use (the password policy's tables, the
// phone metadata's patterns); other writes send "{}", which validation
// refuses.
var firstBodies = map[string]string{
	"reset-password":    `{"token":"bench","newPassword":"Czerwony-Rower-2028","newPasswordRepeat":"Czerwony-Rower-2028"}`,
	"change-password":   `{"currentPassword":"Zielony-Tramwaj-2026","newPassword":"Czerwony-Rower-2028","newPasswordRepeat":"Czerwony-Rower-2028"}`,
	"put-account-phone": `{"phone":"+48600100200"}`,
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// firstRequest is the event of a function's first request: its sample under
// events/ when there is one, else an API Gateway request to its route (with
// the sample's token claims where the route takes a token), else "{}".
func firstRequest(root, fn string) []byte {
	if b, err := os.ReadFile(filepath.Join(root, "events", fn+".json")); err == nil {
		return b
	}
	var route *routes.Route
	for i := range routes.All {
		if routes.All[i].Function == fn {
			route = &routes.All[i]
			break
		}
	}
	if route == nil {
		return []byte("{}")
	}
	var claims *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
	if route.Access != routes.Public {
		var sample events.APIGatewayV2HTTPRequest
		if b, err := os.ReadFile(filepath.Join(root, "events", "get-account.json")); err == nil && json.Unmarshal(b, &sample) == nil {
			claims = sample.RequestContext.Authorizer
			if g := route.Access.Groups(); len(g) > 0 && claims != nil && claims.JWT != nil {
				c := *claims.JWT
				c.Claims = map[string]string{}
				for k, v := range claims.JWT.Claims {
					c.Claims[k] = v
				}
				c.Claims["cognito:groups"] = "[" + g[0] + "]"
				claims = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &c}
			}
		}
	}
	path := pathParam.ReplaceAllString(route.Path, "01JBENCH0000000000000000AA")
	req := events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: route.Key(),
		RawPath:  path,
		Headers:  map[string]string{"content-type": "application/json", "accept": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:   route.Key(),
			Stage:      "$default",
			RequestID:  "bench-first-request",
			Authorizer: claims,
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: route.Method, Path: path, Protocol: "HTTP/1.1", SourceIP: "198.51.100.24"},
		},
	}
	if route.Method != "GET" && route.Method != "DELETE" {
		req.Body = "{}"
		if b, ok := firstBodies[fn]; ok {
			req.Body = b
		}
	}
	if strings.HasPrefix(route.Path, "/") {
		b, _ := json.Marshal(req)
		return b
	}
	return []byte("{}")
}
