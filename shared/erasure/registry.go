// Package erasure is the one place that knows what the platform holds about a
// person: the registry below names every key prefix of store/keys.go, what
// happens to its items when their people are erased (R6.2, R7.2) and how
// they are found from a household, a profile or an account. The erasure job
// and the export (R15.4) both read the people's items through it, so an item
// type the registry does not know fails both, and a test fails when keys.go
// has a prefix the registry lacks.
package erasure

import "strings"

// Fate is what an erasure does to a kind of item.
type Fate string

const (
	// Erased items are deleted.
	Erased Fate = "erased"
	// KeptAnonymous items stay without any link to a person (benefit
	// records, for the city's statistics).
	KeptAnonymous Fate = "kept_anonymous"
	// KeptNoPerson items never name a person (dictionaries, broadcasts), or
	// are index partitions whose entries go with their items, or drop what
	// names a person when they are done (tasks).
	KeptNoPerson Fate = "kept_no_person"
)

// Step is a stage of the erasure job, in order. Each is idempotent: it reads
// what is left and removes it, so a job resumed after a failure redoes the
// interrupted step and goes on.
type Step string

const (
	// StepFiles deletes the profiles' objects in the bucket.
	StepFiles Step = "files"
	// StepUsers deletes the accounts' Cognito users.
	StepUsers Step = "users"
	// StepLinks removes the items outside the people's partitions that name
	// them (claims, checks, sessions, tokens, idempotency records, mail) and
	// anonymizes their benefit records. It comes before the partitions go,
	// since it finds most of these from their items (a card's number, an
	// identifier's value).
	StepLinks Step = "links"
	// StepPartitions deletes the profiles' partitions, the profile items and
	// the consents.
	StepPartitions Step = "partitions"
	// StepAccounts deletes the accounts and their e-mail claims (after the
	// Cognito users: the e-mail can register again once its claim is gone)
	// and closes the job.
	StepAccounts Step = "accounts"
	// StepDone: nothing is left.
	StepDone Step = "done"
)

// Steps is the job's order.
// StepLinks comes first: a card's number claim goes with it, so a card
// checked by its number is unknown seconds after the request (QR tokens
// last a minute, and nobody erased gets a new one).
var Steps = []Step{StepLinks, StepFiles, StepUsers, StepPartitions, StepAccounts}

// Rule is one key prefix of store/keys.go.
type Rule struct {
	// Prefix is the literal of keys.go the rule covers.
	Prefix string
	// Item names the kind of item (the export groups by it).
	Item string
	Fate Fate
	// Found says how the erasure finds the items from the people erased.
	Found string
	// Step is when they go (Erased and KeptAnonymous).
	Step Step
	// strip are the attributes a KeptAnonymous item loses.
	strip []string
	// pk and sk recognize a found item: its keys start so ("" matches any).
	// A found item no rule recognizes stops the erasure and the export.
	pk, sk string
}

// Registry is every key prefix of keys.go and its fate.
var Registry = []Rule{
	{Prefix: "ACCOUNT#", Item: "account", Fate: Erased, Step: StepAccounts, pk: "ACCOUNT#", sk: "ACCOUNT",
		Found: "the job names the accounts (the head's, or a member's; the household's members' from their profiles)"},
	{Prefix: "CONSENT#", Item: "consent", Fate: Erased, Step: StepPartitions, pk: "ACCOUNT#", sk: "CONSENT#",
		Found: "Query of the account's partition"},
	{Prefix: "EMAIL#", Item: "email_claim", Fate: Erased, Step: StepAccounts, pk: "EMAIL#",
		Found: "the account's e-mail"},
	{Prefix: "HOUSEHOLD#", Item: "profile", Fate: Erased, Step: StepPartitions, pk: "HOUSEHOLD#", sk: "PROFILE#",
		Found: "Query of the household's partition, the job's profiles"},
	{Prefix: "PROFILE#", Item: "profile_partition", Fate: Erased, Step: StepPartitions,
		Found: "Query of the whole partition of each profile: its items are recognized by the rules of their sort keys below"},
	{Prefix: "BLOB#", Item: "upload", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "BLOB#",
		Found: "the profile's partition; the objects go first, by the profile's prefixes in the bucket"},
	{Prefix: "APP#", Item: "application", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "APP#",
		Found: "the profile's partition (its GSI1 queue entry goes with it)"},
	{Prefix: "OPENAPP#", Item: "open_application_claim", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "OPENAPP#",
		Found: "the profile's partition"},
	{Prefix: "CARD#", Item: "card", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "CARD#",
		Found: "the profile's partition"},
	{Prefix: "CARDHOLDER#", Item: "card_holder_item", Fate: Erased, Step: StepPartitions,
		Found: "the profile's partition (entitlements, identifiers, identifier counts below)"},
	{Prefix: "PKG#", Item: "entitlement", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "CARDHOLDER#PKG#",
		Found: "the profile's partition (its GSI2 due entry goes with it)"},
	{Prefix: "IDENT#", Item: "identifier", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "CARDHOLDER#IDENT#",
		Found: "the profile's partition"},
	{Prefix: "IDCOUNT#", Item: "identifier_count", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "CARDHOLDER#IDCOUNT#",
		Found: "the profile's partition"},
	{Prefix: "CASE#", Item: "case_entry", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "CASE#",
		Found: "the profile's partition (list entries and broadcast read marks)"},
	{Prefix: "MSG#", Item: "case_message", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "THREAD#",
		Found: "the profile's partition (THREAD#<ulid>#MSG#…)"},
	{Prefix: "THREAD#", Item: "case", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "THREAD#",
		Found: "the profile's partition (its GSI1 inbox entry goes with it)"},
	{Prefix: "CARDNO#", Item: "card_number_claim", Fate: Erased, Step: StepLinks, pk: "CARDNO#",
		Found: "the numbers of the profile's cards"},
	{Prefix: "CHECKS#", Item: "card_check", Fate: Erased, Step: StepLinks, pk: "CHECKS#",
		Found: "Query of the partition of each of the profile's cards (checks and the card's marker)"},
	{Prefix: "IDENTVAL#", Item: "identifier_value_claim", Fate: Erased, Step: StepLinks, pk: "IDENTVAL#",
		Found: "the type and value of the profile's unique identifiers"},
	{Prefix: "TOKEN#", Item: "link_token", Fate: Erased, Step: StepLinks, pk: "TOKEN#",
		Found: "Query of GSI2 OWNER#<accountId>"},
	{Prefix: "SESSION#", Item: "session", Fate: Erased, Step: StepLinks, pk: "SESSION#",
		Found: "Query of GSI2 OWNER#<accountId>"},
	{Prefix: "IDEMPOTENCY#", Item: "idempotency_record", Fate: Erased, Step: StepLinks, pk: "IDEMPOTENCY#",
		Found: "Query of GSI2 OWNER#<accountId> (the account's own requests)"},
	{Prefix: "OUTBOX#", Item: "mail", Fate: Erased, Step: StepLinks, pk: "OUTBOX#",
		Found: "Query of GSI2 MAILTO#<sha256(e-mail)> and OWNER#<accountId>, sent or not (nobody erased is mailed again); the erasure's confirmation is not indexed and forgets its recipient once sent"},
	{Prefix: "BENEFIT#", Item: "benefit", Fate: KeptAnonymous, Step: StepLinks, pk: "BENEFIT#",
		strip: []string{"profileId", "cardId", "GSI1PK", "GSI1SK"},
		Found: "Query of GSI1 BENEFITS#<profileId>; profile and card ids and the holder's index entry are removed, the record stays"},
	{Prefix: "@RESIDENT#", Item: "resident_index_entry", Fate: Erased, Step: StepPartitions, pk: "PROFILE#", sk: "@RESIDENT#",
		Found: "the profile's partition (its GSI1 name and GSI2 e-mail entries go with it)"},
	{Prefix: "REVOCATIONS", Item: "card_revocation", Fate: Erased, Step: StepLinks, pk: "REVOCATIONS",
		Found: "Query of GSI1 REVOKED#<cardId> of each of the profile's cards: an entry names the card's id and number. The erasure writes no entry of its own: online checks know the card no more from the links step, and a QR token outlives it by a minute at most"},
	{Prefix: "AUDIT#", Item: "audit_entry", Fate: KeptAnonymous, Step: StepLinks, pk: "AUDIT#",
		strip: []string{"profileId", "target", "detail", "GSI1PK", "GSI1SK"},
		Found: "Query of GSI1 AUDITP#<profileId>; the profile, the object and the detail are removed: who of the staff did what and when stays (R15.9)"},
	{Prefix: "AUDITP#", Item: "index_audit_profile", Fate: KeptNoPerson, Found: "an index partition: the entries are removed from the audit entries"},
	{Prefix: "AUDITA#", Item: "index_audit_actor", Fate: KeptNoPerson, Found: "an index partition of a staff member's entries (staff are not residents)"},
	{Prefix: "RESNAME#", Item: "index_resident_names", Fate: KeptNoPerson, Found: "an index partition: entries go with the resident index entries"},
	{Prefix: "RESEMAIL#", Item: "index_resident_emails", Fate: KeptNoPerson, Found: "an index partition: entries go with the resident index entries"},
	{Prefix: "REVOKED#", Item: "index_card_revocations", Fate: KeptNoPerson, Found: "an index partition: entries go with the revocation entries"},
	{Prefix: "BROADCAST", Item: "broadcast", Fate: KeptNoPerson, Found: "the city's messages to everyone name nobody (a resident's read mark is a case entry in the profile's partition)"},
	{Prefix: "STAFF", Item: "index_staff", Fate: KeptNoPerson, Found: "an index partition of staff accounts (staff are not residents)"},
	{Prefix: "OWNER#", Item: "index_owner", Fate: KeptNoPerson, Found: "an index partition: its entries go with their items"},
	{Prefix: "MAILTO#", Item: "index_mail_to", Fate: KeptNoPerson, Found: "an index partition: its entries go with their items"},
	{Prefix: "BENEFITS#", Item: "index_benefits", Fate: KeptNoPerson, Found: "an index partition: the entries are removed from the benefit records"},
	{Prefix: "ORGBENEFITS#", Item: "index_partner_benefits", Fate: KeptNoPerson, Found: "an index partition of a partner's records (anonymized)"},
	{Prefix: "APPQ#", Item: "index_review_queue", Fate: KeptNoPerson, Found: "an index partition: entries go with their applications"},
	{Prefix: "CASEQ#", Item: "index_case_inbox", Fate: KeptNoPerson, Found: "an index partition: entries go with their cases"},
	{Prefix: "ENTDUE#", Item: "index_entitlements_due", Fate: KeptNoPerson, Found: "an index partition: entries go with their entitlements"},
	{Prefix: "RETAIN#", Item: "index_retention", Fate: KeptNoPerson, Found: "an index partition: entries go with their uploads"},
	{Prefix: "BIRTHDAY#", Item: "index_birthdays", Fate: KeptNoPerson, Found: "an index partition: entries go with their profiles"},
	{Prefix: "RATE#", Item: "rate_limit", Fate: KeptNoPerson,
		Found: "a rate limit's counter: its key holds a hash of the subject, and it expires within its window"},
	{Prefix: "DICT#", Item: "dictionary_entry", Fate: KeptNoPerson, Found: "the city's dictionaries name nobody"},
	{Prefix: "TASK#", Item: "task", Fate: KeptNoPerson,
		Found: "a task drops its arguments when done; the erasure's own task names only its job"},
	{Prefix: "ERASURE#", Item: "erasure_job", Fate: KeptNoPerson,
		Found: "the job itself: its last step removes the ids it names and leaves the counts"},
}

// ruleOf recognizes a found item by its keys; nil when no rule does.
func ruleOf(pk, sk string) *Rule {
	var best *Rule
	for i := range Registry {
		r := &Registry[i]
		if r.pk == "" || !strings.HasPrefix(pk, r.pk) || !strings.HasPrefix(sk, r.sk) {
			continue
		}
		if r.Prefix == "MSG#" && !strings.Contains(sk, "#MSG#") {
			continue
		}
		if best == nil || len(r.pk)+len(r.sk) > len(best.pk)+len(best.sk) ||
			(r.Prefix == "MSG#" && best.Prefix == "THREAD#") {
			best = r
		}
	}
	return best
}

// Rule returns the registry's rule of a prefix.
func RuleOf(prefix string) (Rule, bool) {
	for _, r := range Registry {
		if r.Prefix == prefix {
			return r, true
		}
	}
	return Rule{}, false
}
