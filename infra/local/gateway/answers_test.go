package gateway_test

import (
	"encoding/json"
	"maps"
)

func bodyOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sameProblem compares two answers' bodies without their request ids.
func sameProblem(x, y []byte) bool {
	var a, b map[string]any
	if json.Unmarshal(x, &a) != nil || json.Unmarshal(y, &b) != nil {
		return string(x) == string(y)
	}
	delete(a, "requestId")
	delete(b, "requestId")
	return maps.EqualFunc(a, b, func(p, q any) bool {
		pj, _ := json.Marshal(p)
		qj, _ := json.Marshal(q)
		return string(pj) == string(qj)
	})
}
