"""A Kafka batch is one unit of work: after deciding one share request it holds the audit lock and
goes on to lock the consents of the next. A withdrawal of such a consent, running meanwhile, must wait
for the batch rather than deadlock with it (every unit that appends takes the audit lock first)."""

import asyncio

from consent.domain.consents import Channel
from consent.domain.staff import Role, StaffMember
from consent.handlers.consents import register_consent, withdraw_consent
from consent.handlers.sharing import decide_share
from vroeg_runtime.unit_of_work import pooled_unit_of_work

CASEWORKER = StaffMember("test-caseworker", Role.CASEWORKER, frozenset({"0437"}))


async def test_a_withdrawal_during_a_batch_of_decisions_waits_for_it(consent_db, person, other_person):
    async with pooled_unit_of_work(consent_db) as uow:
        consent = await register_consent(uow, municipality_code="0437", person_key=person.person_key,
                                         recipient="schuldhulp-amstelland", purpose="referral",
                                         data_categories=["arrears"], given_at=None, valid_until=None,
                                         channel=Channel.IN_PERSON, staff=CASEWORKER)
    first_decided = asyncio.Event()

    async def batch():
        async with pooled_unit_of_work(consent_db) as uow:
            await decide_share(uow, other_person.share_request(categories=["arrears"]))
            first_decided.set()
            await asyncio.sleep(0.5)  # the withdrawal starts meanwhile
            return await decide_share(uow, person.share_request(categories=["arrears"]))

    async def withdrawal():
        await first_decided.wait()
        async with pooled_unit_of_work(consent_db) as uow:
            return await withdraw_consent(uow, consent.consent_id, channel=Channel.LETTER, staff=CASEWORKER)

    decision, withdrawn = await asyncio.wait_for(asyncio.gather(batch(), withdrawal()), timeout=30)
    assert decision is not None and decision.granted  # decided before the withdrawal committed
    assert withdrawn is not None
    assert [g.consent_id for g in withdrawn[1]] == [consent.consent_id]  # and so revoked by it
