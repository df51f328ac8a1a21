package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
)

// Key is an item's primary key. Every key of the table is built in this file.
type Key struct {
	PK string `dynamodbav:"PK"`
	SK string `dynamodbav:"SK"`
}

// Index keys, on items that are listed by GSI1 or GSI2.
type Index1 struct {
	GSI1PK string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK string `dynamodbav:"GSI1SK,omitempty"`
}

type Index2 struct {
	GSI2PK string `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK string `dynamodbav:"GSI2SK,omitempty"`
}

// Index names.
const (
	GSI1 = "GSI1"
	GSI2 = "GSI2"
)

// Partition prefixes of work items; each is also the stream filter of its
// consumer (the mail sender, the task runner).
const (
	OutboxPrefix = "OUTBOX#"
	TaskPrefix   = "TASK#"
)

// NormalizeEmail is the one e-mail normalization: the claim, the Cognito user
// name and the lookups all use it.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Hash is the hex SHA-256 used for link tokens and refresh tokens at rest.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func AccountKey(accountID string) Key { return Key{"ACCOUNT#" + accountID, "ACCOUNT"} }

func EmailKey(email string) Key { return Key{"EMAIL#" + NormalizeEmail(email), "EMAIL"} }

// ProfileKey: profiles live in their household's partition so that one Query
// lists a family; everything a profile owns lives under PROFILE#<id>.
func ProfileKey(householdID, profileID string) Key {
	return Key{"HOUSEHOLD#" + householdID, "PROFILE#" + profileID}
}

// HouseholdPK is the partition of a household's profiles.
func HouseholdPK(householdID string) string { return "HOUSEHOLD#" + householdID }

const ProfileSKPrefix = "PROFILE#"

func ConsentKey(accountID, clauseID string) Key {
	return Key{"ACCOUNT#" + accountID, "CONSENT#" + clauseID}
}

// ConsentSKPrefix lists an account's consents.
const ConsentSKPrefix = "CONSENT#"

// TokenKey is a link token (activation, reset, invitation), by its hash.
func TokenKey(tokenHash string) Key { return Key{"TOKEN#" + tokenHash, "TOKEN"} }

// SessionKey is a login session, by the hash of its refresh token.
func SessionKey(refreshHash string) Key { return Key{"SESSION#" + refreshHash, "SESSION"} }

func OutboxKey(id string) Key { return Key{OutboxPrefix + id, "OUTBOX"} }

// TaskKey is work that follows a committed change (package task).
func TaskKey(id string) Key { return Key{TaskPrefix + id, "TASK"} }

func DictionaryKey(kind, id string) Key { return Key{DictionaryPK(kind), id} }

func DictionaryPK(kind string) string { return "DICT#" + kind }

// IdempotencyKey scopes a client's key to its caller and request ("METHOD
// /concrete/path") so that two callers, or two objects' paths, can never see
// each other's answers.
func IdempotencyKey(caller, request, key string) Key {
	return Key{"IDEMPOTENCY#" + Hash(caller+"\x00"+request+"\x00"+key), "IDEMPOTENCY"}
}

// ProfilePK is the partition of everything a profile owns.
func ProfilePK(profileID string) string { return "PROFILE#" + profileID }

// Profile-owned items: uploads, applications, cards.
const (
	UploadSKPrefix      = "BLOB#"
	ApplicationSKPrefix = "APP#"
	CardSKPrefix        = "CARD#"
)

// SubjectFrom and SubjectTo bound one Query of a profile's partition that
// reads its applications (APP#), uploads (BLOB#), cards (CARD#) and the card
// holder's items up to the entitlements (CARDHOLDER#…PKG#) together:
// everything the application rules look at ("APP#" < "BLOB#" < "CARD#" <
// "CARDHOLDER#IDCOUNT#" < "CARDHOLDER#IDENT#" < "CARDHOLDER#PKG#" <
// "CARDHOLDER#PKG$"). The identifiers in between are few (a type's limit).
// The range starts at the profile's resident index entries ("@RESIDENT#",
// before "APP#"): a data change's acceptance changes them with the names.
const (
	SubjectFrom = ResidentFrom
	SubjectTo   = EntitlementRangeEnd
)

func UploadKey(profileID, uploadID string) Key {
	return Key{ProfilePK(profileID), UploadSKPrefix + uploadID}
}

func ApplicationKey(profileID, applicationID string) Key {
	return Key{ProfilePK(profileID), ApplicationSKPrefix + applicationID}
}

func CardKey(profileID, cardID string) Key { return Key{ProfilePK(profileID), CardSKPrefix + cardID} }

// OpenApplicationKey claims a profile's one open application of a type: it is
// created with the draft (conditioned on not existing) and deleted with the
// change that closes the application, so the table, not a read, keeps a type
// to one open application. "OPENAPP#" sorts after "CARD$", outside the range
// the availability rules query.
func OpenApplicationKey(profileID, appType string) Key {
	return Key{ProfilePK(profileID), "OPENAPP#" + appType}
}

// OwnedID makes the id of an item a profile owns (an application, a card):
// the owner's profile id, a dot, and a new ULID. Routes that know only the id
// (operators') find the item's key in it, without a lookup.
func OwnedID(profileID string) string { return profileID + "." + ulid.Make().String() }

// IsID reports whether s is an id the platform makes for profiles and uploads:
// a ULID in its canonical 26 characters.
func IsID(s string) bool {
	if len(s) != 26 {
		return false
	}
	_, err := ulid.ParseStrict(s)
	return err == nil
}

// OwnerOf is the owner's profile id in an OwnedID; ok is false for anything
// that is not one (answered as not found).
func OwnerOf(id string) (profileID string, ok bool) {
	owner, rest, found := strings.Cut(id, ".")
	if !found || !IsID(owner) || !IsID(rest) {
		return "", false
	}
	return owner, true
}

// CardNumberKey claims a card number: the table, not chance, keeps numbers unique.
func CardNumberKey(number string) Key { return Key{"CARDNO#" + number, "CARDNO"} }

// ReviewQueuePK is GSI1's partition of applications in a status, sorted by
// submission time (GSI1SK).
func ReviewQueuePK(status string) string { return "APPQ#" + status }

// Cases (package cases). A case lives in its owner's partition: a profile's
// (ProfilePK) for a resident's own case, BroadcastPK for a broadcast, which is
// stored once for every resident. In that partition:
//
//   - CASE#<ulid> is the case's list entry; a profile's list Query reads this
//     range alone. A profile's read mark of a broadcast, CASE#<ulid>#READ, sits
//     at the broadcast's place in the same range, so the Query that pages a
//     profile's own cases also brings the marks of the broadcasts beside them.
//   - THREAD#<ulid>#STATE is the case itself (the operators' queue indexes it)
//     and THREAD#<ulid>#MSG#<ulid> its messages: "STATE" sorts after "MSG#",
//     so one Query, newest first, reads the case and its newest messages.
const (
	CaseSKPrefix   = "CASE#"
	ThreadSKPrefix = "THREAD#"
	// BroadcastPK is the partition of the city's broadcasts.
	BroadcastPK = "BROADCAST"
)

// CaseEntryKey is a case's list entry in its owner's partition.
func CaseEntryKey(ownerPK, caseULID string) Key { return Key{ownerPK, CaseSKPrefix + caseULID} }

// BroadcastReadKey is a profile's read mark of a broadcast.
func BroadcastReadKey(profileID, broadcastULID string) Key {
	return Key{ProfilePK(profileID), CaseSKPrefix + broadcastULID + "#READ"}
}

// ThreadPrefix is the sort key prefix of a case's state and messages.
func ThreadPrefix(caseULID string) string { return ThreadSKPrefix + caseULID + "#" }

// CaseKey is the case itself (its state).
func CaseKey(ownerPK, caseULID string) Key { return Key{ownerPK, ThreadPrefix(caseULID) + "STATE"} }

// MessagePrefix is the sort key prefix of a case's messages.
func MessagePrefix(caseULID string) string { return ThreadPrefix(caseULID) + "MSG#" }

// MessageKey is one message of a case.
func MessageKey(ownerPK, caseULID, messageULID string) Key {
	return Key{ownerPK, MessagePrefix(caseULID) + messageULID}
}

// CaseQueuePK is GSI1's partition of the operators' inbox: open cases sorted
// by who they wait for and since when, closed ones by closing time.
func CaseQueuePK(status string) string { return "CASEQ#" + status }

// The card holder's items: the entitlements (packages) and identifiers of a
// profile, shown with its cards. They live in the profile's partition under
// "CARDHOLDER#", which sorts right after the cards ("CARD#" < "CARD$" <
// "CARDHOLDER#"): one Query from "CARD#" to "CARDHOLDER$" reads a profile's
// cards with everything shown on them, and nothing else (no other prefix
// sorts in between), and the applications' range ("APP#" to "CARD$") stays
// as it was.
const (
	HolderSKPrefix      = "CARDHOLDER#"
	EntitlementSKPrefix = HolderSKPrefix + "PKG#"
	IdentifierSKPrefix  = HolderSKPrefix + "IDENT#"
	// HolderRangeEnd closes the range of a profile's cards and holder items,
	// EntitlementRangeEnd the range that ends with the entitlements.
	HolderRangeEnd      = "CARDHOLDER$"
	EntitlementRangeEnd = HolderSKPrefix + "PKG$"
)

// EntitlementKey is a profile's right to a package: one item per package,
// extended in place.
func EntitlementKey(profileID, packageID string) Key {
	return Key{ProfilePK(profileID), EntitlementSKPrefix + packageID}
}

// EntitlementDuePK is a partition of GSI2's sparse index of entitlements with
// a notice (reminder or expiry mail) pending, sorted by the notice's day
// (GSI2SK "<day>#<profileId>#<packageId>"). The index is spread over shards so
// that no one partition takes every entitlement's writes; the daily job reads
// each shard up to its day, so it reads only what is due (late days too).
func EntitlementDuePK(shard int) string { return "ENTDUE#" + strconv.Itoa(shard) }

// IdentifierKey is one of a profile's other identifiers.
func IdentifierKey(profileID, identifierID string) Key {
	return Key{ProfilePK(profileID), IdentifierSKPrefix + identifierID}
}

// IdentifierCountKey counts a profile's identifiers of a type, so the
// type's limit is the table's condition, not a read's.
func IdentifierCountKey(profileID, typeID string) Key {
	return Key{ProfilePK(profileID), HolderSKPrefix + "IDCOUNT#" + typeID}
}

// IdentifierValueKey claims an identifier value of a unique type, city-wide:
// written with the identifier, deleted with it. The value is hashed: a key
// names no person's number.
func IdentifierValueKey(typeID, value string) Key {
	return Key{"IDENTVAL#" + typeID + "#" + Hash(value), "IDENTVAL"}
}

// CheckKey is one verification of a card (R15.1), in the card's own
// partition, newest last; kept for a year by TTL.
func CheckKey(cardID string, at string, id string) Key { return Key{ChecksPK(cardID), at + "#" + id} }

// ChecksPK is the partition of a card's checks.
func ChecksPK(cardID string) string { return "CHECKS#" + cardID }

// CheckMarkerSK is the card's marker in its checks' partition, written with
// the card: it sorts after every check ("~" > digits), so the list's one
// Query also tells a card without checks from a missing one.
const CheckMarkerSK = "~CARD"

// CheckMarkerKey is a card's marker in its checks' partition.
func CheckMarkerKey(cardID string) Key { return Key{ChecksPK(cardID), CheckMarkerSK} }

// BenefitKey is one recorded use of a benefit. The record names no person in
// its key: the holder's history (GSI1 "BENEFITS#<profileId>") and the
// partner's list (GSI2 "ORGBENEFITS#<organizationId>") are index entries, so
// erasing the holder's link leaves the record for the city's statistics.
func BenefitKey(benefitID string) Key { return Key{"BENEFIT#" + benefitID, "BENEFIT"} }

// BenefitsPK is GSI1's partition of a profile's benefit history, sorted by
// the time of use (GSI1SK "<usedAt>#<benefitId>").
func BenefitsPK(profileID string) string { return "BENEFITS#" + profileID }

// OrganizationBenefitsPK is GSI2's partition of the benefits a partner
// organization recorded, sorted by the time of use.
func OrganizationBenefitsPK(organizationID string) string { return "ORGBENEFITS#" + organizationID }

// OwnerIndex is GSI2's entry of an item that names an account but lives
// outside the account's and its profiles' partitions (sessions, link tokens,
// idempotency records): erasure and export find them with one Query of
// GSI2 "OWNER#<accountId>" instead of a scan.
func OwnerIndex(accountID string, k Key) Index2 {
	return Index2{GSI2PK: OwnerPK(accountID), GSI2SK: k.PK}
}

// OwnerPK is GSI2's partition of the items OwnerIndex names.
func OwnerPK(accountID string) string { return "OWNER#" + accountID }

// ErasureKey is an erasure job: the accounts and profiles it erases and the
// step it has reached (package erasure). It is written with the first step,
// which also marks the accounts as being erased.
func ErasureKey(jobID string) Key { return Key{"ERASURE#" + jobID, "ERASURE"} }

// RetentionShards spread the retention index over partitions.
const RetentionShards = 4

// RetentionPK is a partition of GSI2's sparse index of application documents
// waiting for deletion (R15.5), sorted by the day of the decision (GSI2SK
// "<decision day>#<profileId>#<uploadId>"): the daily job reads each shard up
// to the day whose documents are due, and removes the entry with the file.
func RetentionPK(shard int) string { return "RETAIN#" + strconv.Itoa(shard) }

// BirthdayPK is GSI2's partition of the profiles without an e-mail of
// children born on a month-day ("MM-DD"; GSI2SK "<birthDate>#<profileId>"):
// the coming-of-age job reads the day's partition, from the birth date of
// those who turn 18 that day.
func BirthdayPK(monthDay string) string { return "BIRTHDAY#" + monthDay }

// MailToPK is GSI2's partition of the mail to an address (by its hash, so
// the index key names nobody): erasure finds a person's mail through it.
func MailToPK(email string) string { return "MAILTO#" + Hash(NormalizeEmail(email)) }

// RevocationsPK is the partition of the revocation list (R15.2): one item per
// card blocked, cancelled or unblocked, sorted by the instant (SK
// "<revokedAt>#<cardId>", fixed-width UTC), so "since T" is one Query from T.
// Blocks are rare (a few a minute in a city), far below one partition's
// write limit, so the list needs no shards.
const RevocationsPK = "REVOCATIONS"

// RevocationKey is one entry of the revocation list; at is RevocationTime's.
func RevocationKey(at, cardID string) Key { return Key{RevocationsPK, at + "#" + cardID} }

// CardRevocationsPK is GSI1's partition of one card's entries in the
// revocation list: an erasure finds and removes them (they name the card).
func CardRevocationsPK(cardID string) string { return "REVOKED#" + cardID }

// RevocationTime is the sort form of an instant in the revocation list:
// fixed-width UTC with milliseconds, so the order of strings is the order of
// time.
func RevocationTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// RateKey is an abuse limit's counter (package httpapi): per route, what it
// counts by and the subject, hashed (a key names no address or e-mail).
// Expired by TTL once its window is over.
func RateKey(function, by, subject string) Key {
	return Key{"RATE#" + function + "#" + by + "#" + Hash(subject), "RATE"}
}

// The resident index (package resident): a profile's search entries, kept in
// the transaction that writes the profile's names. Two entries per profile,
// in its own partition, sorting before "APP#" ("@" < "A") so the operators'
// view of a resident reads them with the applications, cards and holder
// items in one Query (ResidentFrom to HolderRangeEnd):
//
//   - @RESIDENT#L: GSI1 RESNAME#<first letter> / "<last> <first>#<profileId>"
//     (folded), and GSI2 RESEMAIL#<e-mail> / <profileId> when the profile has
//     an account's e-mail;
//   - @RESIDENT#F: GSI1 RESNAME#<first letter> / "<first> <last>#<profileId>".
//
// A name typed either way round finds the person by a prefix Query.
const (
	ResidentSKPrefix = "@RESIDENT#"
	// ResidentFrom starts a profile's range of index entries and owned items.
	ResidentFrom = ResidentSKPrefix
)

// ResidentIndexKey is one of a profile's search entries (form "L" or "F").
func ResidentIndexKey(profileID, form string) Key {
	return Key{ProfilePK(profileID), ResidentSKPrefix + form}
}

// ResidentNamePK is GSI1's partition of the names that start with a letter
// (folded); a name that starts with anything else is under "_".
func ResidentNamePK(letter string) string { return "RESNAME#" + letter }

// ResidentEmailPK is GSI2's partition of a profile's account e-mail.
func ResidentEmailPK(email string) string { return "RESEMAIL#" + NormalizeEmail(email) }

// AuditKey is one entry of the audit trail (package audit): operators'
// actions and views, in a partition per month of the city's records, newest
// last ("<at>#<ulid>"). GSI1 AUDITP#<profileId> lists a resident's entries
// (their export's "who looked at my data"), GSI2 AUDITA#<accountId> an
// operator's; both sorted by the same "<at>#<ulid>".
func AuditKey(month, sk string) Key { return Key{AuditPK(month), sk} }

// AuditPK is the partition of a month's audit entries ("2026-12").
func AuditPK(month string) string { return "AUDIT#" + month }

// AuditProfilePK is GSI1's partition of the audit entries about a profile.
func AuditProfilePK(profileID string) string { return "AUDITP#" + profileID }

// AuditActorPK is GSI2's partition of an operator's audit entries.
func AuditActorPK(accountID string) string { return "AUDITA#" + accountID }

// StaffPK is GSI1's partition of the staff accounts (operators, partners,
// inspectors), sorted by e-mail: the operators' staff list.
const StaffPK = "STAFF"
