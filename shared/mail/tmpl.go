package mail

import (
	"fmt"
	"strings"
)

// The mail templates use a small part of Go's template syntax: {{define
// "part"}}…{{end}}, {{.key}} and {{if .key}}…{{else}}…{{end}} over a map of
// strings. They are rendered here rather than by text/template and
// html/template: those evaluate fields by reflection (reflect.Value.MethodByName),
// and once a binary can call a method by name the linker keeps every exported
// method of every type in it, every SES and DynamoDB client method included
// (about 6 MB of the mail sender). HTML parts are escaped as html/template
// escapes them: values in text and quoted attributes are escaped, values in
// href and src attributes are URLs, normalized and refused (#ZgotmplZ) unless
// http, https or mailto. A test renders every template both ways.

// node is a piece of a part: literal text, a value, or a condition.
type node struct {
	text     string
	key      string // a value or the condition's key
	url      bool   // the value stands in an href or src attribute
	cond     bool
	then, or []node
}

// parseTemplate splits src into its named parts.
func parseTemplate(src string, html bool) (map[string][]node, error) {
	p := &parser{src: src, html: html}
	parts := map[string][]node{}
	for {
		text, action, ok := p.next()
		if !ok {
			if strings.TrimSpace(text) != "" {
				return nil, fmt.Errorf("text outside a define: %q", clip(text))
			}
			return parts, p.err
		}
		if strings.TrimSpace(text) != "" {
			return nil, fmt.Errorf("text outside a define: %q", clip(text))
		}
		name, ok := strings.CutPrefix(action, "define ")
		if !ok || len(name) < 2 || name[0] != '"' || name[len(name)-1] != '"' {
			return nil, fmt.Errorf("want {{define \"name\"}}, got {{%s}}", action)
		}
		p.before.Reset()
		body, end, err := p.body()
		if err != nil {
			return nil, err
		}
		if end != "end" {
			return nil, fmt.Errorf("{{%s}} outside an if", end)
		}
		parts[name[1:len(name)-1]] = body
	}
}

type parser struct {
	src    string
	pos    int
	html   bool
	before strings.Builder // the part's literal HTML so far: tells an attribute's context
	err    error
}

// next returns the literal text up to the next action and the action.
func (p *parser) next() (text, action string, ok bool) {
	i := strings.Index(p.src[p.pos:], "{{")
	if i < 0 {
		text, p.pos = p.src[p.pos:], len(p.src)
		return text, "", false
	}
	text = p.src[p.pos : p.pos+i]
	j := strings.Index(p.src[p.pos+i:], "}}")
	if j < 0 {
		p.err = fmt.Errorf("unclosed action at %d", p.pos+i)
		return text, "", false
	}
	action = strings.TrimSpace(p.src[p.pos+i+2 : p.pos+i+j])
	p.pos += i + j + 2
	return text, action, true
}

// body reads nodes up to {{end}} or {{else}}, which it returns.
func (p *parser) body() ([]node, string, error) {
	var nodes []node
	for {
		text, action, ok := p.next()
		if text != "" {
			nodes = append(nodes, node{text: text})
			p.before.WriteString(text)
		}
		if !ok {
			if p.err == nil {
				p.err = fmt.Errorf("missing {{end}}")
			}
			return nil, "", p.err
		}
		switch {
		case action == "end" || action == "else":
			return nodes, action, nil
		case strings.HasPrefix(action, "if ."):
			key := action[len("if ."):]
			if !isKey(key) {
				return nil, "", fmt.Errorf("unsupported condition {{%s}}", action)
			}
			then, end, err := p.body()
			if err != nil {
				return nil, "", err
			}
			n := node{cond: true, key: key, then: then}
			if end == "else" {
				if n.or, end, err = p.body(); err != nil {
					return nil, "", err
				}
				if end != "end" {
					return nil, "", fmt.Errorf("{{else}} after {{else}}")
				}
			}
			nodes = append(nodes, n)
		case strings.HasPrefix(action, ".") && isKey(action[1:]):
			nodes = append(nodes, node{key: action[1:], url: p.html && inURLAttr(p.before.String())})
		default:
			return nil, "", fmt.Errorf("unsupported action {{%s}}", action)
		}
	}
}

func isKey(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// inURLAttr tells whether HTML ending in html leaves a value inside a quoted
// href or src attribute. Any other place in a tag is refused at render time
// by the test that compares with html/template.
func inURLAttr(html string) bool {
	lt, gt := strings.LastIndex(html, "<"), strings.LastIndex(html, ">")
	if lt < 0 || gt > lt {
		return false
	}
	tag := html[lt:]
	eq := strings.LastIndex(tag, `="`)
	if eq < 0 || strings.Count(tag[eq+2:], `"`) > 0 {
		return false
	}
	name := tag[:eq]
	if sp := strings.LastIndexAny(name, " \t\n"); sp >= 0 {
		name = name[sp+1:]
	}
	name = strings.ToLower(name)
	return name == "href" || name == "src"
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// execute writes nodes with data; a key missing from data is an error, as
// with the option missingkey=error.
func execute(b *strings.Builder, nodes []node, data map[string]string, html bool) error {
	for _, n := range nodes {
		if n.key == "" {
			b.WriteString(n.text)
			continue
		}
		v, ok := data[n.key]
		if !ok {
			return fmt.Errorf("map has no entry for key %q", n.key)
		}
		switch {
		case n.cond:
			branch := n.or
			if v != "" {
				branch = n.then
			}
			if err := execute(b, branch, data, html); err != nil {
				return err
			}
		case !html:
			b.WriteString(v)
		case n.url:
			escapeHTML(b, normalizeURL(v))
		default:
			escapeHTML(b, v)
		}
	}
	return nil
}

// escapeHTML escapes as html/template's htmlEscaper.
func escapeHTML(b *strings.Builder, s string) {
	for _, c := range s {
		switch c {
		case 0:
			b.WriteString("\uFFFD")
		case '"':
			b.WriteString("&#34;")
		case '&':
			b.WriteString("&amp;")
		case '\'':
			b.WriteString("&#39;")
		case '+':
			b.WriteString("&#43;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(c)
		}
	}
}

// normalizeURL is html/template's urlFilter and urlNormalizer: a URL with a
// scheme other than http, https or mailto becomes #ZgotmplZ; bytes that may
// not stand in a URL are percent-encoded.
func normalizeURL(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 && !strings.Contains(s[:i], "/") {
		switch strings.ToLower(s[:i]) {
		case "http", "https", "mailto":
		default:
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$&*+,/:;=?@[]-._~%", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return b.String()
}
