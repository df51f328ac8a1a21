package main

import "strings"

// tripReasons is the table of routes that stay above their round-trip budget
// (cold or warm), why, and the test that pins the number.
func tripReasons(p func(string, ...any)) {
	for _, l := range strings.Split(tripReasonsText, "\n") {
		p("%s", l)
	}
	p("")
}

const tripReasonsText = `### Round trips above budget and why

| Route | Cold | Warm | Why it is not cut | Pinned by |
|---|--:|--:|---|---|`
