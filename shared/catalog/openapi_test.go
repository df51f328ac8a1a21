package catalog

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/benefit"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/consent"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/history"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identifier"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/upload"
	"github.com/kartamieszkanca/platform/shared/verification"
)

// specPath is the published contract (API.md: "a test checks every route against it").
const specPath = "../../openapi.yaml"

// httpMethods are the keys of an OpenAPI path item that hold operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true}

type specOperation struct {
	OperationID string  `yaml:"operationId"`
	Summary     string  `yaml:"summary"`
	Access      *string `yaml:"x-access"`
	Idempotent  bool    `yaml:"x-idempotent"`
	// Security is nil when the operation inherits the document's.
	Security   *[]map[string][]string `yaml:"security"`
	Parameters []map[string]any       `yaml:"parameters"`
	Responses  map[string]any         `yaml:"responses"`
}

type spec struct {
	raw      map[string]any // the whole document, for $ref resolution
	version  string
	security []map[string][]string
	ops      map[string]specOperation // by route key, "POST /auth/login"
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	b, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatalf("read %s: %v (the OpenAPI contract lives at the repository root)", specPath, err)
	}
	var doc struct {
		OpenAPI  string                          `yaml:"openapi"`
		Security []map[string][]string           `yaml:"security"`
		Paths    map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s is not valid YAML of the expected shape: %v", specPath, err)
	}
	s := &spec{version: doc.OpenAPI, security: doc.Security, ops: map[string]specOperation{}}
	if err := yaml.Unmarshal(b, &s.raw); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		for method, node := range item {
			if !httpMethods[method] {
				continue
			}
			var op specOperation
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", strings.ToUpper(method), path, err)
			}
			s.ops[strings.ToUpper(method)+" "+path] = op
		}
	}
	return s
}

// resolve follows a local JSON pointer ("#/components/schemas/Problem").
func (s *spec) resolve(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("only references within the file (#/...) are allowed")
	}
	var cur any = s.raw
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("no %q", tok)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("no index %q", tok)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("%q is below a scalar", tok)
		}
	}
	return cur, nil
}

// deref follows $ref chains to the object they name.
func (s *spec) deref(v any) (map[string]any, error) {
	for range 10 {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("not an object")
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		var err error
		if v, err = s.resolve(ref); err != nil {
			return nil, fmt.Errorf("$ref %s does not resolve: %w", ref, err)
		}
	}
	return nil, fmt.Errorf("$ref chain too long")
}

func TestOpenAPIVersion(t *testing.T) {
	s := loadSpec(t)
	if !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(s.version) {
		t.Errorf("openapi is %q; the contract is OpenAPI 3.1.x", s.version)
	}
}

// TestOpenAPIRoutes: every row of the route table is described, as the row says.
func TestOpenAPIRoutes(t *testing.T) {
	s := loadSpec(t)
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for _, r := range routes.All {
		t.Run(r.Key(), func(t *testing.T) {
			op, ok := s.ops[r.Key()]
			if !ok {
				t.Fatalf("openapi.yaml has no operation %s: describe it under paths.%q.%s from its handler (function %s)",
					r.Key(), r.Path, strings.ToLower(r.Method), r.Function)
			}
			if op.OperationID != r.Function {
				t.Errorf("operationId is %q; set it to the route's function %q", op.OperationID, r.Function)
			}
			if op.Summary != r.Summary {
				t.Errorf("summary is %q; set it to the route's summary %q", op.Summary, r.Summary)
			}
			if op.Access == nil || *op.Access != string(r.Access) {
				got := "<none>"
				if op.Access != nil {
					got = *op.Access
				}
				t.Errorf("x-access is %s; set it to the route's access %q", got, r.Access)
			}
			security := s.security
			if op.Security != nil {
				security = *op.Security
			}
			if r.Access == routes.Public {
				if len(security) != 0 {
					t.Errorf("public route with security %v; set `security: []` on the operation", security)
				}
			} else if !hasScheme(security, "bearerAuth") {
				t.Errorf("route needs a token (access %s) but its security %v lacks bearerAuth", r.Access, security)
			} else if groups := security[0]["bearerAuth"]; !slices.Equal(groups, r.Access.Groups()) && len(groups)+len(r.Access.Groups()) > 0 {
				// The groups in the security requirement are what generators
				// and the reference page show; x-access is this project's own.
				t.Errorf("security bearerAuth lists %v; set it to the groups access %s admits: %v", groups, r.Access, r.Access.Groups())
			}
			if op.Idempotent != r.Idempotent {
				t.Errorf("x-idempotent is %v but the route's Idempotent is %v; make them agree", op.Idempotent, r.Idempotent)
			}
			params := map[string]string{} // name → in
			for _, p := range op.Parameters {
				m, err := s.deref(p)
				if err != nil {
					t.Errorf("parameter %v: %v", p, err)
					continue
				}
				name, _ := m["name"].(string)
				in, _ := m["in"].(string)
				params[strings.ToLower(name)] = in
			}
			if r.Idempotent && params["idempotency-key"] != "header" {
				t.Errorf("idempotent route without an Idempotency-Key header parameter; add $ref '#/components/parameters/IdempotencyKey'")
			}
			for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
				if params[strings.ToLower(m[1])] != "path" {
					t.Errorf("path parameter %s is not declared; add it to the operation's parameters", m[1])
				}
			}
			if len(op.Responses) == 0 {
				t.Errorf("operation has no responses")
			}
			if _, ok := op.Responses["401"]; r.Access != routes.Public && !ok {
				t.Errorf("route needs a token but documents no 401; add $ref '#/components/responses/Unauthorized'")
			}
		})
	}
}

func hasScheme(security []map[string][]string, name string) bool {
	for _, req := range security {
		if _, ok := req[name]; ok {
			return true
		}
	}
	return false
}

// TestOpenAPINoStrayOperations: the file describes nothing the platform does not serve.
func TestOpenAPINoStrayOperations(t *testing.T) {
	s := loadSpec(t)
	known := map[string]bool{}
	for _, r := range routes.All {
		known[r.Key()] = true
	}
	var stray []string
	for key, op := range s.ops {
		if !known[key] {
			stray = append(stray, fmt.Sprintf("%s (operationId %s)", key, op.OperationID))
		}
	}
	sort.Strings(stray)
	for _, k := range stray {
		t.Errorf("openapi.yaml describes %s, which has no row in routes.All: add the route or remove the operation", k)
	}
}

// TestOpenAPIRefsResolve: every $ref names something in the file.
func TestOpenAPIRefsResolve(t *testing.T) {
	s := loadSpec(t)
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					ref, ok := x.(string)
					if !ok {
						t.Errorf("%s: $ref is not a string", at)
						continue
					}
					if _, err := s.resolve(ref); err != nil {
						t.Errorf("%s: $ref %s does not resolve: %v", at, ref, err)
					}
					continue
				}
				walk(at+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), x)
			}
		case []any:
			for i, x := range v {
				walk(at+"/"+strconv.Itoa(i), x)
			}
		}
	}
	walk("#", s.raw)
}

// TestOpenAPIErrorsAreProblems (R14.2): every error answer is an RFC 9457
// problem+json referencing the shared Problem schema, and every code it lists
// is one the platform answers with that status.
func TestOpenAPIErrorsAreProblems(t *testing.T) {
	s := loadSpec(t)
	keys := make([]string, 0, len(s.ops))
	for k := range s.ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		for status, resp := range s.ops[key].Responses {
			code, err := strconv.Atoi(status)
			if err != nil {
				t.Errorf("%s: response %q is not a status code", key, status)
				continue
			}
			if code < 400 {
				continue
			}
			m, err := s.deref(resp)
			if err != nil {
				t.Errorf("%s %s: %v", key, status, err)
				continue
			}
			content, _ := m["content"].(map[string]any)
			media, _ := content["application/problem+json"].(map[string]any)
			if media == nil {
				t.Errorf("%s %s: no application/problem+json content; errors answer the Problem schema", key, status)
				continue
			}
			codes, isProblem := problemCodes(s, media["schema"])
			if !isProblem {
				t.Errorf("%s %s: the problem+json schema does not reference #/components/schemas/Problem", key, status)
			}
			for _, c := range codes {
				if got := apierr.Status(apierr.Code(c)); got != code {
					t.Errorf("%s %s lists code %q, which the platform answers with %d; move it to the right response or register it",
						key, status, c, got)
				}
			}
		}
	}
}

// problemCodes reads the code enum of a problem schema: a $ref to Problem, or
// allOf [Problem, {properties: {code: {enum: […]}}}].
func problemCodes(s *spec, schema any) (codes []string, isProblem bool) {
	const problem = "#/components/schemas/Problem"
	m, _ := schema.(map[string]any)
	if m["$ref"] == problem {
		return nil, true
	}
	all, _ := m["allOf"].([]any)
	for _, part := range all {
		p, _ := part.(map[string]any)
		if p["$ref"] == problem {
			isProblem = true
			continue
		}
		props, _ := p["properties"].(map[string]any)
		code, _ := props["code"].(map[string]any)
		enum, _ := code["enum"].([]any)
		for _, e := range enum {
			codes = append(codes, fmt.Sprint(e))
		}
	}
	return codes, isProblem
}

// TestOpenAPISchemasMatchTypes: the response schemas have exactly the JSON
// fields of the types the handlers encode, and require every field that is
// never omitted.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	s := loadSpec(t)
	cases := []struct {
		schema string
		value  any
		// ignore: fields the handler encodes that are not part of the contract.
		// The test fails once such a field is gone, so the exception goes with it.
		ignore []string
		// omit: omitempty fields the handlers never fill in the answers this
		// schema describes (one type serves a list item and its detail).
		omit []string
	}{
		{schema: "Problem", value: httpapi.Problem{}},
		{schema: "FieldError", value: apierr.FieldError{}},
		{schema: "Tokens", value: identity.Tokens{}},
		{schema: "Account", value: account.View{}},
		{schema: "Profile", value: profile.View{}},
		// dictionary.Clause embeds store.Key without json:"-", so GET
		// /consents/clauses also sends the table keys PK and SK.
		{schema: "Clause", value: dictionary.Clause{}},
		{schema: "Consent", value: consent.View{}},
		{schema: "UploadCreated", value: upload.Created{}},
		{schema: "HistoryEntry", value: history.Event{}},
		// Lists and the queue build their items with ToView(a, false).
		{schema: "Application", value: application.View{}, omit: []string{"data", "history"}},
		{schema: "ApplicationDetail", value: application.View{}},
		{schema: "ApplicationList", value: httpapi.List[application.View]{}},
		{schema: "Card", value: card.View{}},
		{schema: "CardList", value: httpapi.List[card.View]{}},
		{schema: "Jwk", value: qrtoken.JWK{}},
		{schema: "Case", value: cases.View{}},
		{schema: "CaseList", value: httpapi.List[cases.View]{}},
		{schema: "CaseDetail", value: cases.Detail{}},
		{schema: "CaseMessage", value: cases.MessageView{}},
		{schema: "CaseMessageList", value: cases.MessagePage{}},
		{schema: "CaseAttachment", value: cases.AttachmentView{}},
		{schema: "OperatorCase", value: cases.OperatorView{}},
		{schema: "OperatorCaseList", value: httpapi.List[cases.OperatorView]{}},
		{schema: "OperatorCaseDetail", value: cases.OperatorDetail{}},
		{schema: "UnreadCount", value: cases.Count{}},
		{schema: "Entitlement", value: entitlement.View{}},
		{schema: "EntitlementList", value: httpapi.List[entitlement.View]{}},
		{schema: "Identifier", value: identifier.View{}},
		{schema: "IdentifierList", value: httpapi.List[identifier.View]{}},
		{schema: "Verification", value: verification.View{}},
		{schema: "VerifiedHolder", value: verification.HolderView{}},
		{schema: "VerifiedPackage", value: verification.PackageView{}},
		{schema: "VerifiedIdentifier", value: verification.IdentifierView{}},
		{schema: "CardCheck", value: verification.CheckView{}},
		{schema: "CardCheckList", value: httpapi.List[verification.CheckView]{}},
		{schema: "Revocation", value: card.RevocationView{}},
		{schema: "Benefit", value: benefit.View{}},
		{schema: "BenefitList", value: httpapi.List[benefit.View]{}},
	}
	for _, c := range cases {
		t.Run(c.schema, func(t *testing.T) {
			m, err := s.deref(map[string]any{"$ref": "#/components/schemas/" + c.schema})
			if err != nil {
				t.Fatalf("components.schemas.%s: %v", c.schema, err)
			}
			fields := jsonFields(reflect.TypeOf(c.value))
			for _, name := range c.ignore {
				if _, ok := fields[name]; !ok {
					t.Errorf("%T no longer encodes %s: remove it from this test's ignore list", c.value, name)
				}
				delete(fields, name)
			}
			for _, name := range c.omit {
				if omitempty, ok := fields[name]; !ok || !omitempty {
					t.Errorf("%T does not encode %s as omitempty, so schema %s cannot leave it out; fix this test's omit list", c.value, name, c.schema)
				}
				delete(fields, name)
			}
			props, _ := m["properties"].(map[string]any)
			required := map[string]bool{}
			req, _ := m["required"].([]any)
			for _, r := range req {
				required[fmt.Sprint(r)] = true
			}
			for name, omitempty := range fields {
				if _, ok := props[name]; !ok {
					t.Errorf("%T encodes %q but schema %s lacks the property; document it", c.value, name, c.schema)
				}
				if !omitempty && !required[name] {
					t.Errorf("%T always encodes %q but schema %s does not require it", c.value, name, c.schema)
				}
			}
			for name := range props {
				if _, ok := fields[name]; !ok {
					t.Errorf("schema %s has property %q that %T never encodes; remove it or fix the handler", c.schema, name, c.value)
				}
			}
			for name := range required {
				if _, ok := props[name]; !ok {
					t.Errorf("schema %s requires %q but has no such property", c.schema, name)
				}
			}
		})
	}
}

// jsonFields are the JSON member names encoding/json writes for a struct type,
// each with whether it may be omitted.
func jsonFields(typ reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = strings.Contains(","+opts+",", ",omitempty,")
	}
	return out
}
