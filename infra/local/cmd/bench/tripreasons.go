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

Cut in this round (before → after, calls): ` + "`POST /verify`" + ` by number 4 → 3 and ` + "`POST /partner/benefits`" + ` by number 4 → 3
(the number's claim is read in the gate's BatchGetItem: a handler may name, from the request alone, items the
adapter reads with the caller's account — ` + "`httpapi.RegisterPrefetch`" + `; the account is checked first, so a
refused caller's handler never runs); ` + "`POST /profiles/{profileId}/identifiers`" + ` 4 → 3 (the identifier type, with the
gate); ` + "`GET /operator/residents?q=`" + ` by card number 3 → 2 (the claim, with the gate); ` + "`PUT /account/consents/{clauseId}`" + `
withdrawing a mandatory clause 6 → 5 for a household of 2 (the clause, with the gate); submit and decision with a
package's age rule one call fewer (the birth date taken from the resident index entry the submit's Query already
reads, where it was a read of the profile); on a cold instance their two dictionary reads run at once (5 calls as
before, 4 round trips in time instead of 5).

What stays above budget, and the test that keeps the number from growing:

| Route | Calls | Why it is not cut | Pinned by |
|---|--:|---|---|
| ` + "`POST …/applications/{applicationId}/submit`" + `, ` + "`POST /operator/applications/{applicationId}/decision`" + ` on a cold instance | 5, 4 in time (warm 3) | A function instance reads the consent clauses and the package dictionary once a minute (two partitions, read at once); the rules need them and the commit's conditions guard them. A warm instance is within budget. | ` + "`TestSubmitAndDecisionWithinThreeRoundTrips`, `TestAgeRuleReadsNoProfile`" + ` |
| ` + "`GET /operator/applications/{applicationId}`" + ` | 4 | The operator's view is audited: its entry is a write that no read can join. The resident's profile lives in the household's partition, which only the application names (an application id names its profile, not the household), and the profile's status and relationship change in many transactions, so it is not copied next to the application. | ` + "`TestCardJourney`" + ` |
| ` + "`GET /operator/residents/{profileId}`" + ` | 5 | The record spans the resident's three partitions: the profile's (cards, applications and the index entry that names the other two), then at once the household's (its profiles) and the account's (state and consents); plus the gate and the audited view's entry. The clauses come from the instance's minute cache. | ` + "`TestDetail`" + ` (shared/resident) |
| ` + "`GET /profiles/{profileId}/cases`" + ` | 3 | The profile's own cases and the city's broadcasts are two partitions merged under one cursor: a broadcast is one item for every resident, not a copy per profile (a broadcast to 100,000 residents stays one write). The two Queries run at once: 2 round trips in time. | ` + "`TestListMergesBroadcasts`" + ` |
| ` + "`GET /account/consents`" + ` | 3 | The clauses (the dictionary's partition) and the head's answers (the account's) are read at once: 2 round trips in time. The clauses are read fresh, not from the instance's minute cache, so that a new version of a clause shows as not accepted at once (R7.1). | ` + "`TestConsentsWithVersions`" + ` |
| ` + "`PUT /account/consents/{clauseId}`" + `, a mandatory clause withdrawn | 3 + 1 per profile (5 for a household of 2) | The cascade (R7.3): every account and live card of the household is blocked in the same transaction as the answer; each profile's cards are in its own partition, one Query each. Households are capped at 19 members so the change stays one transaction (62 items). | ` + "`TestBlockAndUnblock`" + ` |
| the same clause accepted again, lifting the block | 5 + 1 per profile (7 for a household of 2) | As the withdrawal, and the current clauses with the head's answers (at once), to lift the block only when every mandatory clause stands again. | ` + "`TestBlockAndUnblock`" + ` |
| ` + "`POST /auth/register`" + ` | 4 | Not part of this round (issue 13): the abuse limits' counters are written before Cognito is touched. | ` + "`shared/auth`" + ` claim tests |
| ` + "`GET /account/export`" + ` | 13 | The export reads every partition a household's data is in (see the cascades section). | ` + "`shared/erasure`" + ` |`
