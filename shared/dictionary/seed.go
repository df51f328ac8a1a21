package dictionary

import (
	"context"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Seed writes the starting dictionaries of a new city (local stack, tests, and
// a fresh deployment); operators maintain them afterwards. Writing an entry
// again overwrites it, so seeding twice is harmless.
func Seed(ctx context.Context, t *store.Table) error {
	for i, c := range seedClauses {
		c.Key, c.Order, c.Active = store.DictionaryKey(ConsentClauses, c.ID), i, true
		if err := t.Put(ctx, c); err != nil {
			return err
		}
	}
	for kind, entries := range seedEntries {
		for i, e := range entries {
			e.Key, e.Order, e.Active = store.DictionaryKey(kind, e.ID), i, true
			if err := t.Put(ctx, e); err != nil {
				return err
			}
		}
	}
	return nil
}

var seedClauses = []Clause{
	{ID: "terms", Title: "Regulamin Karty Mieszkańca", Body: "Oświadczam, że zapoznałem(-am) się z Regulaminem Karty Mieszkańca i akceptuję jego postanowienia.", Mandatory: true, Version: 1},
	{ID: "gdpr", Title: "Zgoda na przetwarzanie danych osobowych (RODO)", Body: "Wyrażam zgodę na przetwarzanie moich danych osobowych przez Urząd Miasta w celu wydania i obsługi Karty Mieszkańca, zgodnie z art. 6 ust. 1 lit. a RODO.", Mandatory: true, GDPR: true, Version: 1},
	{ID: "residence", Title: "Oświadczenie o zamieszkaniu", Body: "Oświadczam, że zamieszkuję na terenie miasta i rozliczam w nim podatek dochodowy od osób fizycznych.", Mandatory: true, Version: 1},
	{ID: "newsletter", Title: "Informacje o nowych zniżkach", Body: "Chcę otrzymywać na adres e-mail informacje o nowych zniżkach i partnerach programu.", Version: 1},
}

var seedEntries = map[string][]Entry{
	PickupPoints: {
		{ID: "um-rynek", Name: "Urząd Miasta — Biuro Obsługi Mieszkańców, Rynek 1", Fields: map[string]any{"address": "Rynek 1", "hours": "pn–pt 8:00–16:00"}},
		{ID: "mck-centrum", Name: "Miejskie Centrum Kultury, ul. Kościuszki 10", Fields: map[string]any{"address": "ul. Kościuszki 10", "hours": "pn–sb 10:00–18:00"}},
		{ID: "mosir", Name: "MOSiR — kasa basenu, ul. Sportowa 5", Fields: map[string]any{"address": "ul. Sportowa 5", "hours": "codziennie 7:00–21:00"}},
	},
	DuplicateReasons: {
		{ID: "lost", Name: "Zgubienie karty"},
		{ID: "damaged", Name: "Uszkodzenie karty"},
		{ID: "stolen", Name: "Kradzież karty"},
		{ID: "data_changed", Name: "Zmiana danych na karcie"},
	},
	IdentifierTypes: {
		{ID: "student-id", Name: "Legitymacja studencka", Fields: map[string]any{"pattern": "^[0-9]{5,8}$", "hint": "Numer albumu (5–8 cyfr)"}},
		{ID: "school-id", Name: "Legitymacja szkolna", Fields: map[string]any{"pattern": "^[A-Z0-9/-]{3,20}$", "hint": "Numer legitymacji"}},
		{ID: "large-family", Name: "Karta Dużej Rodziny", Fields: map[string]any{"pattern": "^[0-9]{10}$", "hint": "Numer karty (10 cyfr)"}},
	},
	CaseTypes: {
		{ID: "general", Name: "Sprawa ogólna", Fields: map[string]any{"replyAllowed": true, "residentCanOpen": true}},
		{ID: "card", Name: "Karta i wnioski", Fields: map[string]any{"replyAllowed": true, "residentCanOpen": true}},
		{ID: "complaint", Name: "Reklamacja zniżki", Fields: map[string]any{"replyAllowed": true, "residentCanOpen": true}},
		// The city's own: residents read it and cannot open one or answer.
		{ID: "announcement", Name: "Komunikat miasta", Fields: map[string]any{"replyAllowed": false, "residentCanOpen": false}},
	},
	Packages: {
		{ID: "transport", Name: "Komunikacja miejska — bilety ulgowe", Fields: map[string]any{"validityMonths": 12, "documentsRequired": false, "default": true}},
		{ID: "culture", Name: "Kultura — zniżki w muzeach i teatrach", Fields: map[string]any{"validityMonths": 12, "documentsRequired": false, "default": true}},
		{ID: "sport", Name: "Sport — baseny i lodowisko", Fields: map[string]any{"validityMonths": 12, "documentsRequired": false}},
		{ID: "senior", Name: "Senior 65+", Fields: map[string]any{"validityMonths": 24, "documentsRequired": true, "minAge": 65}},
		{ID: "large-family", Name: "Rodzina wielodzietna 3+", Fields: map[string]any{"validityMonths": 12, "documentsRequired": true}},
	},
}
