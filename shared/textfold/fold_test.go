package textfold

import "testing"

// R8.1: search ignores case and Polish diacritics.
func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Łódź":                 "lodz",
		"ZAŻÓŁĆ GĘŚLĄ JAŹŃ":    "zazolc gesla jazn",
		"  Basen   MOSiR\t":    "basen mosir",
		"Kino Helios — Źródło": "kino helios — zrodlo",
		"lodz":                 "lodz",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
