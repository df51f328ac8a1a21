// Package gateway is the local API Gateway: an HTTP server that verifies JWTs
// the way the HTTP API's JWT authorizer does (signature from the pool's JWKS,
// issuer, audience or client id, expiry), builds the same v2 event and calls the
// same handlers the functions run in AWS.
package gateway

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/kartamieszkanca/platform/shared/catalog"
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// maxPayload is API Gateway's own request limit; the handlers' 64 KiB limit is
// theirs to enforce.
const maxPayload = 10 << 20

// Gateway serves the route table over HTTP.
type Gateway struct {
	issuer   string
	clientID string
	keys     jwk.Set
	adapters map[string]*httpapi.Adapter
	jobs     map[string]func(context.Context, json.RawMessage) (any, error)
	// Portal serves the local portal pages under /portal/ when set.
	Portal http.Handler
	// Docs serves the API reference under /docs when set.
	Docs http.Handler
}

// New fetches the pool's JWKS (once: cognito-local never rotates its key) and
// builds an adapter per route.
func New(ctx context.Context, d *platform.Deps, issuer, clientID string) (*Gateway, error) {
	keys, err := jwk.Fetch(ctx, issuer+"/.well-known/jwks.json")
	if err != nil {
		return nil, fmt.Errorf("gateway: fetch JWKS: %w", err)
	}
	g := &Gateway{issuer: issuer, clientID: clientID, keys: keys, adapters: map[string]*httpapi.Adapter{},
		jobs: map[string]func(context.Context, json.RawMessage) (any, error){}}
	for name, f := range catalog.Jobs {
		g.jobs[name] = f(d)
	}
	for _, r := range routes.All {
		f, ok := catalog.HTTP[r.Function]
		if !ok {
			return nil, fmt.Errorf("gateway: no handler for %s", r.Function)
		}
		a, err := entry.Adapter(d, r.Function, f)
		if err != nil {
			return nil, err
		}
		g.adapters[r.Key()] = a
	}
	return g, nil
}

var requestSeq atomic.Int64

func (g *Gateway) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	// Every answer, the gateway's own and the portal pages too.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if g.Portal != nil && strings.HasPrefix(req.URL.Path, "/portal/") {
		g.Portal.ServeHTTP(w, req)
		return
	}
	if g.Docs != nil && (req.URL.Path == "/docs" || strings.HasPrefix(req.URL.Path, "/docs/")) {
		g.Docs.ServeHTTP(w, req)
		return
	}
	if name, ok := strings.CutPrefix(req.URL.Path, JobsPath); ok && req.Method == http.MethodPost {
		g.runJob(w, req, name)
		return
	}
	route, params, ok := routes.Find(req.Method, req.URL.Path)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	var claims map[string]string
	if route.Access != routes.Public {
		c, err := g.verify(req.Header.Get("Authorization"))
		if err != nil {
			// The HTTP API answers this itself, before any function runs.
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
			return
		}
		claims = c
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxPayload+1))
	if err != nil || len(body) > maxPayload {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"message": "Request Entity Too Large"})
		return
	}
	ev := event(req, route, params, claims, body)
	ctx, usage := WithUsage(req.Context())
	began := time.Now()
	out, _ := g.adapters[route.Key()].Serve(ctx, ev)
	took := time.Since(began) - usage.PricingTime()
	for k, v := range out.Headers {
		w.Header().Set(k, v)
	}
	usage.SetHeaders(w.Header())
	w.Header().Set(FunctionTimeHeader, strconv.FormatInt(took.Microseconds(), 10))
	w.WriteHeader(out.StatusCode)
	if out.IsBase64Encoded {
		b, _ := base64.StdEncoding.DecodeString(out.Body)
		_, _ = w.Write(b)
		return
	}
	_, _ = io.WriteString(w, out.Body)
}

// skew is the clock difference tolerated on exp and nbf.
const skew = time.Second

// verify checks a bearer token as strictly as the HTTP API's JWT authorizer
// with a Cognito issuer, and returns its claims as the authorizer passes them
// to functions (every value a string). Refused: anything but RS256 (alg none,
// HS256 keyed with the public key), a kid the pool does not publish, a bad
// signature, no exp or an expired one, nbf in the future, another issuer, a
// token_use other than id or access (a refresh token as bearer), an ID token
// for another audience or an access token for another client, and groups that
// are not an array.
func (g *Gateway) verify(header string) (map[string]string, error) {
	raw, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || raw == "" {
		return nil, fmt.Errorf("no bearer token")
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a compact JWS")
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := unb64JSON(parts[0], &h); err != nil {
		return nil, err
	}
	if h.Alg != "RS256" {
		return nil, fmt.Errorf("alg %q refused", h.Alg)
	}
	key, ok := g.keys.LookupKeyID(h.Kid)
	if !ok || h.Kid == "" {
		return nil, fmt.Errorf("unknown kid %q", h.Kid)
	}
	if _, err := jws.Verify([]byte(raw), jws.WithKey(jwa.RS256(), key)); err != nil {
		return nil, err
	}
	var m map[string]any
	if err := unb64JSON(parts[1], &m); err != nil {
		return nil, err
	}
	if err := g.checkClaims(m, time.Now()); err != nil {
		return nil, err
	}
	claims := map[string]string{}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			claims[k] = v
		case float64:
			claims[k] = fmt.Sprintf("%d", int64(v))
		case []any:
			// HTTP APIs pass arrays as "[a b]".
			s := make([]string, len(v))
			for i, x := range v {
				s[i] = fmt.Sprint(x)
			}
			claims[k] = "[" + strings.Join(s, " ") + "]"
		default:
			b, _ := json.Marshal(v)
			claims[k] = string(b)
		}
	}
	return claims, nil
}

// checkClaims is the authorizer's claim checks of a signed token.
func (g *Gateway) checkClaims(m map[string]any, now time.Time) error {
	exp, ok := m["exp"].(float64)
	if !ok {
		return fmt.Errorf("no exp")
	}
	if now.Add(-skew).Unix() >= int64(exp) {
		return fmt.Errorf("expired")
	}
	if v, present := m["nbf"]; present {
		nbf, ok := v.(float64)
		if !ok || int64(nbf) > now.Add(skew).Unix() {
			return fmt.Errorf("not valid yet")
		}
	}
	if v, present := m["iat"]; present {
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("iat is not a number")
		}
	}
	if m["iss"] != g.issuer {
		return fmt.Errorf("another issuer")
	}
	if sub, _ := m["sub"].(string); sub == "" {
		return fmt.Errorf("no sub")
	}
	// The authorizer's audience check: aud for ID tokens, client_id for access tokens.
	switch m["token_use"] {
	case "id":
		if m["aud"] != g.clientID {
			return fmt.Errorf("ID token for another audience")
		}
	case "access":
		if m["client_id"] != g.clientID {
			return fmt.Errorf("access token for another client")
		}
	default:
		return fmt.Errorf("token_use %v refused", m["token_use"])
	}
	if v, present := m["cognito:groups"]; present {
		if _, ok := v.([]any); !ok {
			return fmt.Errorf("cognito:groups is not an array")
		}
	}
	return nil
}

func unb64JSON(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// event builds the payload format 2.0 event API Gateway sends.
func event(req *http.Request, route routes.Route, params, claims map[string]string, body []byte) events.APIGatewayV2HTTPRequest {
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	headers := map[string]string{}
	for k, v := range req.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	query := map[string]string{}
	for k, v := range req.URL.Query() {
		query[k] = strings.Join(v, ",")
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              route.Key(),
		RawPath:               req.URL.Path,
		RawQueryString:        req.URL.RawQuery,
		Headers:               headers,
		QueryStringParameters: query,
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:  route.Key(),
			RequestID: fmt.Sprintf("local-%d-%s", requestSeq.Add(1), hex.EncodeToString(id)),
			Stage:     "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: req.Method, Path: req.URL.Path, Protocol: req.Proto,
				SourceIP: strings.Split(req.RemoteAddr, ":")[0], UserAgent: req.UserAgent(),
			},
			TimeEpoch: time.Now().UnixMilli(),
		},
	}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: nil},
		}
	}
	if utf8.Valid(body) {
		ev.Body = string(body)
	} else {
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	return ev
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// JobsPath runs a scheduled job on demand: POST /_local/jobs/{name} with
// {"now": "<RFC3339>"} runs it as the schedule would at that instant and
// answers its summary. It exists only on the local stack (neither in
// openapi.yaml nor in the CDK app).
const JobsPath = "/_local/jobs/"

// JobAnswer is the local trigger's answer: the run's summary, and its error
// when it failed (a scheduled run is then retried).
type JobAnswer struct {
	Summary any    `json:"summary"`
	Error   string `json:"error,omitempty"`
}

func (g *Gateway) runJob(w http.ResponseWriter, req *http.Request, name string) {
	job, ok := g.jobs[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, httpapi.MaxBody+1))
	var ev struct {
		Now *time.Time `json:"now"`
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err != nil || len(body) > httpapi.MaxBody || json.Unmarshal(body, &ev) != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": `the body is {"now": "<RFC3339>"}`})
		return
	}
	ctx, usage := WithUsage(req.Context())
	sum, err := job(ctx, body)
	usage.SetHeaders(w.Header())
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, JobAnswer{Summary: sum, Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, JobAnswer{Summary: sum})
}
