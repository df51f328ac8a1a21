package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// TestRoutesMatchTable: one function per route and job, one API route per
// table row, and each route's authorization as its Access says.
func TestRoutesMatchTable(t *testing.T) {
	f := dev(t)
	ts := f.templates()

	bootstrap := 0
	for _, r := range resources(ts, "AWS::Lambda::Function") {
		if props(r)["Handler"] == "bootstrap" {
			bootstrap++
		}
	}
	if want := len(routes.All) + len(routes.Jobs); bootstrap != want {
		t.Errorf("%d platform functions, want %d (%d routes + %d jobs)", bootstrap, want, len(routes.All), len(routes.Jobs))
	}

	apiRoutes := map[string]map[string]interface{}{}
	for _, r := range resources(ts, "AWS::ApiGatewayV2::Route") {
		p := props(r)
		apiRoutes[p["RouteKey"].(string)] = p
	}
	if len(apiRoutes) != len(routes.All) {
		t.Errorf("%d API routes, want %d", len(apiRoutes), len(routes.All))
	}
	authorizerIDs := map[string]bool{}
	for _, r := range routes.All {
		p, ok := apiRoutes[r.Key()]
		if !ok {
			t.Errorf("route %s missing", r.Key())
			continue
		}
		want := "JWT"
		if r.Access == routes.Public {
			want = "NONE"
		}
		if p["AuthorizationType"] != want {
			t.Errorf("route %s (%s): authorization %v, want %s", r.Key(), r.Access, p["AuthorizationType"], want)
		}
		if want == "JWT" {
			b, _ := json.Marshal(p["AuthorizerId"])
			authorizerIDs[string(b)] = true
		} else if p["AuthorizerId"] != nil {
			t.Errorf("public route %s has an authorizer", r.Key())
		}
	}
	if len(authorizerIDs) > 1 {
		t.Errorf("routes use several authorizers: %v", authorizerIDs)
	}

	// Each route's function is the one named in the table, with a route timeout.
	fns := functionsOf(t, f)
	for _, r := range routes.All {
		fi, ok := fns[r.Function]
		if !ok {
			t.Errorf("no function %s for %s", r.Function, r.Key())
			continue
		}
		if !strings.HasPrefix(fi.props["Description"].(string), r.Key()+":") {
			t.Errorf("function %s describes %q", r.Function, fi.props["Description"])
		}
		if fi.props["Timeout"] != float64(routeTimeoutSec) {
			t.Errorf("function %s timeout %v", r.Function, fi.props["Timeout"])
		}
	}
}

func TestFunctionsRuntime(t *testing.T) {
	f := dev(t)
	for name, fi := range functionsOf(t, f) {
		p := fi.props
		arch, _ := json.Marshal(p["Architectures"])
		logging, _ := p["LoggingConfig"].(map[string]interface{})
		tracing, _ := p["TracingConfig"].(map[string]interface{})
		if p["Runtime"] != "provided.al2023" || string(arch) != `["arm64"]` || p["Handler"] != "bootstrap" ||
			p["MemorySize"] != float64(functionMemoryMB) || tracing["Mode"] != "Active" ||
			logging["LogFormat"] != "JSON" || logging["LogGroup"] == nil {
			t.Errorf("function %s: %v", name, p)
		}
		if p["ReservedConcurrentExecutions"] != nil {
			t.Errorf("function %s reserves concurrency", name)
		}
	}
	check(t, "log groups keep logs two weeks in dev", func() {
		for _, tpl := range f.templates() {
			tpl.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), obj(map[string]interface{}{"RetentionInDays": 14}))
		}
	})
	p := prod(t)
	check(t, "log groups keep logs a year in prod and are retained", func() {
		for _, tpl := range p.templates() {
			tpl.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), obj(map[string]interface{}{"RetentionInDays": 365}))
			tpl.AllResources(jsii.String("AWS::Logs::LogGroup"), obj(map[string]interface{}{"DeletionPolicy": "Retain"}))
		}
	})
}

// TestLeastPrivilege: each function gets the grants and variables its Needs
// name, and nothing else.
func TestLeastPrivilege(t *testing.T) {
	f := dev(t)
	fns := functionsOf(t, f)
	needs := map[string]routes.Needs{}
	for _, r := range routes.All {
		needs[r.Function] = r.Needs
	}
	for _, j := range routes.Jobs {
		needs[j.Function] = j.Needs
	}
	for name, n := range needs {
		fi, ok := fns[name]
		if !ok {
			t.Errorf("no function %s", name)
			continue
		}
		acts := fi.actions()
		env := fi.env()
		has := func(what string, got, want bool) {
			if got != want {
				t.Errorf("%s: %s is %v, want %v (needs %+v)", name, what, got, want, n)
			}
		}
		has("dynamodb:Query", acts["dynamodb:Query"], n.Table != routes.NoTable)
		has("dynamodb:PutItem", acts["dynamodb:PutItem"], n.Table == routes.WriteTable)
		has("TABLE_NAME", env[EnvTableName] != nil, n.Table != routes.NoTable)
		has("cognito-idp:AdminCreateUser", acts["cognito-idp:AdminCreateUser"], n.Identity)
		has("USER_POOL_ID", env[EnvUserPoolID] != nil, n.Identity)
		has("USER_POOL_CLIENT_ID", env[EnvUserPoolClientID] != nil, n.Identity)
		has("s3:GetObject", acts["s3:GetObject"], n.FilesRead)
		has("s3:PutObject", acts["s3:PutObject"], n.FilesWrite)
		has("FILES_BUCKET", env[EnvFilesBucket] != nil, n.FilesRead || n.FilesWrite)
		has("ses:SendEmail", acts["ses:SendEmail"], n.Mail)
		has("MAIL_CONFIGURATION_SET", env[EnvMailConfigurationSet] != nil, n.Mail)
		has("kms:Sign", acts["kms:Sign"], n.Signing)
		has("SIGNING_KEY_ID", env[EnvSigningKeyID] != nil, n.Signing)
		if env[EnvStage] != "dev" {
			t.Errorf("%s: STAGE=%v", name, env[EnvStage])
		}
		for a := range acts {
			if strings.HasSuffix(a, "*") || a == "*" {
				t.Errorf("%s: wildcard action %s", name, a)
			}
		}
		for _, s := range fi.statements {
			if s["Effect"] != "Allow" {
				continue
			}
			if s["Resource"] == "*" {
				for _, a := range actionList(s["Action"]) {
					if !strings.HasPrefix(a, "xray:") && a != "dynamodb:ListStreams" {
						t.Errorf("%s: %s on Resource *", name, a)
					}
				}
			}
			if cognito := actionList(s["Action"]); len(cognito) > 0 && strings.HasPrefix(cognito[0], "cognito-idp:") {
				for _, a := range cognito {
					if !strings.HasPrefix(a, "cognito-idp:Admin") {
						t.Errorf("%s: non-admin cognito action %s", name, a)
					}
				}
				if b, _ := json.Marshal(s["Resource"]); !strings.Contains(string(b), "UserPool") {
					t.Errorf("%s: cognito actions on %s, want the pool ARN", name, b)
				}
			}
		}
	}
}

func actionList(v interface{}) []string {
	switch a := v.(type) {
	case string:
		return []string{a}
	case []interface{}:
		var out []string
		for _, x := range a {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func TestAPI(t *testing.T) {
	f := dev(t)
	check(t, "HTTP API with CORS for the portal", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), obj(map[string]interface{}{
			"ProtocolType": "HTTP",
			"CorsConfiguration": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"AllowOrigins": []interface{}{"http://localhost:5173"},
				"AllowHeaders": assertions.Match_ArrayWith(&[]interface{}{"authorization", "content-type", "idempotency-key"}),
			})),
		}))
	})
	check(t, "JWT authorizer on the pool and the app client", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), obj(map[string]interface{}{
			"AuthorizerType": "JWT",
			"IdentitySource": []interface{}{"$request.header.Authorization"},
			"JwtConfiguration": map[string]interface{}{
				"Audience": []interface{}{map[string]interface{}{"Ref": assertions.Match_StringLikeRegexp(jsii.String("AppClient"))}},
				"Issuer": map[string]interface{}{"Fn::Join": []interface{}{"", []interface{}{
					"https://cognito-idp.", map[string]interface{}{"Ref": "AWS::Region"}, ".amazonaws.com/",
					map[string]interface{}{"Ref": assertions.Match_StringLikeRegexp(jsii.String("UserPool"))},
				}}},
			},
		}))
	})
	check(t, "default stage: throttling and JSON access logs", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), obj(map[string]interface{}{
			"StageName":  "$default",
			"AutoDeploy": true,
			"DefaultRouteSettings": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100,
			})),
			"AccessLogSettings": map[string]interface{}{
				"DestinationArn": map[string]interface{}{"Fn::GetAtt": []interface{}{assertions.Match_StringLikeRegexp(jsii.String("AccessLogs")), "Arn"}},
				"Format":         assertions.Match_SerializedJson(assertions.Match_ObjectLike(obj(map[string]interface{}{"requestId": "$context.requestId", "status": "$context.status"}))),
			},
		}))
	})
	check(t, "route throttles from the route table", func() {
		settings := map[string]interface{}{}
		for _, r := range routes.All {
			if r.Throttle != nil {
				settings[r.Key()] = map[string]interface{}{"ThrottlingRateLimit": r.Throttle.Rate, "ThrottlingBurstLimit": r.Throttle.Burst}
			}
		}
		if len(settings) < 8 {
			t.Fatalf("only %d throttled routes in the table", len(settings))
		}
		f.parent.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), obj(map[string]interface{}{
			"RouteSettings": assertions.Match_ObjectLike(obj(settings)),
		}))
	})
	p := prod(t)
	check(t, "throttling from context", func() {
		p.parent.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), obj(map[string]interface{}{
			"DefaultRouteSettings": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 25,
			})),
		}))
	})
}
