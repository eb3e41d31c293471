"""Matching's subscriptions: intake's `ArrearsReported`, outreach's case events (`CaseClosed`),
consent's `ErasureRequested`.

Each goes through the runtime's one consumer shape (`vroeg_runtime.consuming.consume`): a batch of
records is handled in one unit of work together with its inbox claims (keyed by event id), and
committed to Kafka only after that; a batch that fails is redone one record at a time, with
retries and dead letters. An event of a municipality without a policy can never be decided, so it
is dead-lettered at once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from vroeg_contracts import topics
from vroeg_contracts.envelope import Envelope, parse_event
from vroeg_contracts.events import ArrearsReported, ErasureRequested
from vroeg_runtime.consuming import Delivery, Subscription, consume, envelopes_of
from vroeg_runtime.service import ServiceRuntime

from ..domain.policy import UnknownMunicipality
from ..handlers.arrears_reported import handle_arrears_reported, handle_arrears_reported_batch
from ..handlers.case_closed import handle_case_event, handle_case_events_batch
from ..handlers.dependencies import MatchingDependencies
from ..handlers.erasure import erase_household


def any_case_event(delivery: Delivery) -> Envelope[Any]:
    """Any event of outreach's case-events topic: one that is not a CaseClosed (sent without its
    header) is claimed and skipped by the handler, not dead-lettered."""
    return parse_event(delivery.value)


def may_close_a_case(delivery: Delivery) -> bool:
    """Only CaseClosed changes matching: letters, calls and visits (most of the topic) are skipped
    unread, by the event_type header every envelope is published with. A record without the header
    is read, to be sure."""
    return delivery.headers.get("event_type", "CaseClosed") == "CaseClosed"


def register(runtime: ServiceRuntime, deps: MatchingDependencies) -> None:
    policies = deps.policies
    # The group ids and inbox names are part of the deployment (ACLs in deploy/security.toml) and of
    # the stored inbox: they stay as they are.
    consume(runtime, [topics.ARREARS_REPORTED], group_id="vroeg-matching", hot=True, subscription=Subscription(
        inbox="arrears-reported", parse=envelopes_of(ArrearsReported),
        handle=partial(handle_arrears_reported, policies=policies),
        handle_batch=partial(handle_arrears_reported_batch, policies=policies),
        permanent=(UnknownMunicipality,)))
    consume(runtime, [topics.OUTREACH_CASE_EVENTS], group_id="vroeg-matching-case-events", subscription=Subscription(
        inbox="case-events", parse=any_case_event,
        handle=partial(handle_case_event, policies=policies),
        handle_batch=partial(handle_case_events_batch, policies=policies),
        permanent=(UnknownMunicipality,), wants=may_close_a_case))
    consume(runtime, [topics.ERASURE_REQUESTED], group_id="vroeg-matching-erasure", subscription=Subscription(
        inbox="erasure-requested", parse=envelopes_of(ErasureRequested), handle=erase_household))
