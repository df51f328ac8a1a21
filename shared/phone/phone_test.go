package phone

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// reference is the validation as libphonenumber itself does it: the generated
// tables and the port must agree with it.
func reference(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") || len(s) > 16 {
		return "", false
	}
	n, err := phonenumbers.Parse(s, "PL")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	return e164, e164 == s
}

// R6.1: a phone number is kept only in E.164 and only when it is a valid
// number of its country.
func TestNormalize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"+48600100200", true},         // Polish mobile
		{"+48221234567", true},         // Polish fixed line (Warsaw)
		{" +48600100200 ", true},       // surrounding spaces are not part of it
		{"+4860010020", false},         // one digit short
		{"+486001002001", false},       // one digit too many
		{"+48 600 100 200", false},     // not E.164
		{"600100200", false},           // no country code
		{"+999123", false},             // no such country code
		{"+0048600100200", false},      // an international prefix is not E.164
		{"+12024561111", true},         // US
		{"+442079460000", true},        // UK, London
		{"+4402079460000", false},      // UK with its national prefix: E.164 drops it
		{"+390612345678", true},        // Italy keeps its leading zero
		{"+4915123456789", true},       // German mobile
		{"+80012345678", true},         // international freephone (non-geographic)
		{"+48600１00200", false},        // full-width digits
		{"+486001002000000000", false}, // longer than E.164 allows
	} {
		got, ok := Normalize(c.in)
		if ok != c.want {
			t.Errorf("Normalize(%q) = %q, %v; want %v", c.in, got, ok, c.want)
		}
		if _, lib := reference(c.in); lib != c.want {
			t.Errorf("libphonenumber says %v for %q", lib, c.in)
		}
		if ok && got != strings.TrimSpace(c.in) {
			t.Errorf("Normalize(%q) = %q", c.in, got)
		}
	}
}

// The port agrees with libphonenumber on the example numbers of every region,
// non-geographic code and type of number, and on numbers near them: a digit
// less, more or changed, a national prefix or zero inserted, random digits.
func TestAgreesWithLibphonenumber(t *testing.T) {
	var numbers []string
	add := func(n *phonenumbers.PhoneNumber) {
		if n != nil {
			numbers = append(numbers, phonenumbers.Format(n, phonenumbers.E164))
		}
	}
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER,
		phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}
	regions := make([]string, 0, 256)
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		for _, ty := range types {
			add(phonenumbers.GetExampleNumberForType(r, ty))
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		add(phonenumbers.GetExampleNumberForNonGeoEntity(cc))
	}
	if len(numbers) < 1000 {
		t.Fatalf("only %d example numbers", len(numbers))
	}
	rng := rand.New(rand.NewPCG(14, 1))
	var cases []string
	for _, n := range numbers {
		num, _ := phonenumbers.Parse(n, "PL")
		ccs := strconv.Itoa(int(num.GetCountryCode()))
		nsn := n[1+len(ccs):]
		region := phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
		ndd := phonenumbers.GetNddPrefixForRegion(region, true)
		d := strconv.Itoa(rng.IntN(10))
		cases = append(cases, n, n[:len(n)-1], n+d, n[:len(n)-1]+d,
			"+"+ccs+"0"+nsn, "+"+ccs+ndd+nsn, "+"+ccs+d+nsn, "+"+ccs+nsn[1:])
		for range 3 {
			var b strings.Builder
			for range 4 + rng.IntN(10) {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			cases = append(cases, "+"+ccs+b.String())
		}
	}
	valid := 0
	for _, s := range cases {
		want, wok := reference(s)
		got, gok := Normalize(s)
		if gok != wok || (gok && got != want) {
			t.Errorf("Normalize(%q) = %q, %v; libphonenumber %q, %v", s, got, gok, want, wok)
		}
		if gok {
			valid++
		}
	}
	t.Logf("%d numbers compared, %d valid", len(cases), valid)
}
