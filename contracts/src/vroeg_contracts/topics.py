"""Names of the Kafka topics in the contracts; deploy/topics.toml creates each of them."""

ARREARS_REPORTED = "vroeg.intake.arrears-reported.v1"
# Matching's decisions share one topic, keyed by household, so a household's escalation is never
# read before the decision that opened its case. Outreach's case events likewise.
MATCHING_DECISIONS = "vroeg.matching.decisions.v1"
OUTREACH_CASE_EVENTS = "vroeg.outreach.case-events.v1"
DATA_SHARE_REQUESTED = "vroeg.outreach.data-share-requested.v1"
DATA_SHARE_DECIDED = "vroeg.consent.data-share-decided.v1"
# Erasure: consent asks every service, each answers on the shared completion topic.
ERASURE_REQUESTED = "vroeg.consent.erasure-requested.v1"
ERASURE_COMPLETED = "vroeg.erasure-completed.v1"


def partner_reports(partner_id: str) -> str:
    return f"partner.{partner_id}.reports.v1"


def partner_rejections(partner_id: str) -> str:
    return f"partner.{partner_id}.rejections.v1"


def partner_feedback(partner_id: str) -> str:
    return f"partner.{partner_id}.feedback.v1"


def dead_letters(service: str) -> str:
    return f"vroeg.{service}.dead-letters.v1"


def partner_of_reports_topic(topic: str) -> str | None:
    """The partner id that a `partner.<id>.reports.v1` topic name proves, or None."""
    return _partner_of(topic, "reports")


def partner_of_feedback_topic(topic: str) -> str | None:
    """The partner id of a `partner.<id>.feedback.v1` topic, or None."""
    return _partner_of(topic, "feedback")


def _partner_of(topic: str, kind: str) -> str | None:
    parts = topic.split(".")
    if len(parts) == 4 and parts[0] == "partner" and parts[1] and parts[2:] == [kind, "v1"]:
        return parts[1]
    return None
