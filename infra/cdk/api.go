package main

import (
	"encoding/json"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// API is the HTTP API: one route per row of the route table, each with its own
// function, the JWT authorizer on every non-public route.
type API struct {
	Scope      constructs.Construct
	HttpApi    awsapigatewayv2.HttpApi
	Stage      awsapigatewayv2.HttpStage
	Authorizer awsapigatewayv2authorizers.HttpJwtAuthorizer
	AccessLogs awslogs.LogGroup
	// Routes by route key ("GET /health").
	Routes map[string]awsapigatewayv2.HttpRoute
	// RouteStacks are nested stacks holding the route functions, one per
	// Access. Each route brings about nine resources (function, role, policy,
	// log group, integration, route, permission, two alarms); the full route
	// table would pass CloudFormation's 500-resource limit in a single template.
	RouteStacks map[routes.Access]awscdk.NestedStack
}

// accessLogFormat: one JSON object per request; no tokens, no bodies.
var accessLogFormat = func() string {
	b, err := json.Marshal(map[string]string{
		"requestId":        "$context.requestId",
		"requestTime":      "$context.requestTime",
		"ip":               "$context.identity.sourceIp",
		"userAgent":        "$context.identity.userAgent",
		"routeKey":         "$context.routeKey",
		"status":           "$context.status",
		"protocol":         "$context.protocol",
		"responseLength":   "$context.responseLength",
		"latencyMs":        "$context.responseLatency",
		"integrationMs":    "$context.integration.latency",
		"integrationError": "$context.integrationErrorMessage",
		"authorizerError":  "$context.authorizer.error",
	})
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// NewAPI creates the API, its stage (access logging, default throttling), the
// JWT authorizer and the 5xx alarm. Routes are added by AddRoutes.
func NewAPI(scope constructs.Construct, id string, cfg Config, identity *Identity, alarms *Alarms) *API {
	c := constructs.NewConstruct(scope, jsii.String(id))
	api := awsapigatewayv2.NewHttpApi(c, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String(cfg.StackName()),
		Description:        jsii.String("Resident card platform API (" + cfg.Stage + ")"),
		CreateDefaultStage: jsii.Bool(false),
		CorsPreflight: &awsapigatewayv2.CorsPreflightOptions{
			AllowOrigins: jsii.Strings(cfg.PortalOrigin),
			AllowMethods: &[]awsapigatewayv2.CorsHttpMethod{
				awsapigatewayv2.CorsHttpMethod_GET, awsapigatewayv2.CorsHttpMethod_POST,
				awsapigatewayv2.CorsHttpMethod_PUT, awsapigatewayv2.CorsHttpMethod_PATCH,
				awsapigatewayv2.CorsHttpMethod_DELETE, awsapigatewayv2.CorsHttpMethod_OPTIONS,
			},
			AllowHeaders:  jsii.Strings("authorization", "content-type", "idempotency-key"),
			ExposeHeaders: jsii.Strings("location"),
			MaxAge:        awscdk.Duration_Hours(jsii.Number(1)),
		},
	})
	logs := awslogs.NewLogGroup(c, jsii.String("AccessLogs"), &awslogs.LogGroupProps{
		Retention:     cfg.LogRetention,
		RemovalPolicy: cfg.RemovalPolicy(),
	})
	stage := awsapigatewayv2.NewHttpStage(c, jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    api,
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			BurstLimit: jsii.Number(cfg.ThrottleBurst),
			RateLimit:  jsii.Number(cfg.ThrottleRate),
		},
	})
	stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: logs.LogGroupArn(),
		Format:         jsii.String(accessLogFormat),
	})

	authorizer := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("CognitoJwt"), identity.Issuer(),
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{
			AuthorizerName: jsii.String("cognito"),
			JwtAudience:    &[]*string{identity.Client.UserPoolClientId()},
		})

	alarms.Watch(c, "ServerErrorsAlarm", "The API answered with 5xx",
		api.MetricServerError(&awscloudwatch.MetricOptions{Period: alarmPeriod(), Statistic: jsii.String("Sum")}))
	awscdk.NewCfnOutput(scope, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{Value: stage.Url()})

	return &API{
		Scope: c, HttpApi: api, Stage: stage, Authorizer: authorizer, AccessLogs: logs,
		Routes:      map[string]awsapigatewayv2.HttpRoute{},
		RouteStacks: map[routes.Access]awscdk.NestedStack{},
	}
}

func (a *API) routeStack(access routes.Access) awscdk.NestedStack {
	if ns, ok := a.RouteStacks[access]; ok {
		return ns
	}
	ns := awscdk.NewNestedStack(a.Scope, jsii.String("Routes"+constructID(string(access))), &awscdk.NestedStackProps{
		Description: jsii.String("Routes with access " + string(access)),
	})
	a.RouteStacks[access] = ns
	return ns
}

// AddRoutes creates a function and a route for every row of the table.
func (a *API) AddRoutes(fns *Functions, table []routes.Route) {
	for _, r := range table {
		scope, fn := fns.New(a.routeStack(r.Access), FunctionSpec{
			Name:        r.Function,
			Needs:       r.Needs,
			Timeout:     awscdk.Duration_Seconds(jsii.Number(routeTimeoutSec)),
			Description: r.Key() + ": " + r.Summary,
		})
		var auth awsapigatewayv2.IHttpRouteAuthorizer = a.Authorizer
		if r.Access == routes.Public {
			auth = awsapigatewayv2.NewHttpNoneAuthorizer()
		}
		route := awsapigatewayv2.NewHttpRoute(scope, jsii.String("Route"), &awsapigatewayv2.HttpRouteProps{
			HttpApi:     a.HttpApi,
			RouteKey:    awsapigatewayv2.HttpRouteKey_With(jsii.String(r.Path), awsapigatewayv2.HttpMethod(r.Method)),
			Integration: awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("Integration"), fn, nil),
			Authorizer:  auth,
		})
		if r.Access == routes.Public {
			cdknag.NagSuppressions_AddResourceSuppressions(route.Node().DefaultChild(), &[]*cdknag.NagPackSuppression{{
				Id: jsii.String("AwsSolutions-APIG4"),
				Reason: jsii.String("Public by design in the route table (" + r.Key() + "): callers have no " +
					"token yet (registration, activation, login, password reset) or the data is public."),
			}}, jsii.Bool(false))
		}
		a.Routes[r.Key()] = route
	}
	a.throttleRoutes(table)
}

// throttleRoutes sets the stage's throttling of the routes whose row names
// one (the public routes that act on an e-mail or a link, the verifiers'),
// below the stage's default: API Gateway answers 429 before any function
// runs. The stage waits for those routes' stacks, since a route setting
// names a route that must exist.
func (a *API) throttleRoutes(table []routes.Route) {
	settings := map[string]interface{}{}
	for _, r := range table {
		if r.Throttle == nil {
			continue
		}
		settings[r.Key()] = map[string]interface{}{
			"ThrottlingRateLimit":  r.Throttle.Rate,
			"ThrottlingBurstLimit": r.Throttle.Burst,
		}
		a.Stage.Node().AddDependency(a.routeStack(r.Access))
	}
	if len(settings) > 0 {
		a.Stage.Node().DefaultChild().(awsapigatewayv2.CfnStage).SetRouteSettings(settings)
	}
}
