package catalog

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// Every request body of the contract has an example, and every example given
// for a request or an answer is valid against its schema: generators, the
// reference page and the sample events show them, so a wrong one misleads.
func TestOpenAPIExamplesMatchSchemas(t *testing.T) {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	// Through JSON, so the schema library sees JSON types (yaml gives ints).
	j, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	const base = "urn:karta:openapi"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(base, spec); err != nil {
		t.Fatal(err)
	}
	escape := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }
	paths, _ := spec.(map[string]any)["paths"].(map[string]any)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	checked := 0
	for _, path := range names {
		item, _ := paths[path].(map[string]any)
		for method, v := range item {
			if !httpMethods[method] {
				continue
			}
			op, _ := v.(map[string]any)
			at := "#/paths/" + escape(path) + "/" + method
			id := strings.ToUpper(method) + " " + path
			media := func(ptr string, holder map[string]any) {
				m, _ := holder["application/json"].(map[string]any)
				if m == nil {
					return
				}
				var examples []any
				if e, ok := m["example"]; ok {
					examples = append(examples, e)
				}
				if es, ok := m["examples"].(map[string]any); ok {
					for _, e := range es {
						if ev, ok := e.(map[string]any)["value"]; ok {
							examples = append(examples, ev)
						}
					}
				}
				if len(examples) == 0 {
					if strings.Contains(ptr, "/requestBody/") {
						t.Errorf("%s: the request body has no example", id)
					}
					return
				}
				sch, err := c.Compile(base + ptr + "/application~1json/schema")
				if err != nil {
					t.Errorf("%s: compile %s: %v", id, ptr, err)
					return
				}
				for _, e := range examples {
					checked++
					if err := sch.Validate(e); err != nil {
						t.Errorf("%s: example at %s is not valid: %v", id, ptr, err)
					}
				}
			}
			if rb, ok := op["requestBody"].(map[string]any); ok {
				content, _ := rb["content"].(map[string]any)
				media(at+"/requestBody/content", content)
			}
			responses, _ := op["responses"].(map[string]any)
			for code, r := range responses {
				rm, _ := r.(map[string]any)
				if content, ok := rm["content"].(map[string]any); ok {
					media(at+"/responses/"+code+"/content", content)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no examples checked")
	}
	t.Logf("%d examples valid", checked)
}
