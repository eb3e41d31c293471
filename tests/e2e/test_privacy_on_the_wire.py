"""No name, BSN, address, phone number or e-mail address in plain text on a topic, in a log line or
in a span: checked on the real output of the thin-slice run."""

import json

import pytest

from vroeg_contracts import topics
from vroeg_devtools import bus

from .conftest import personal_values


def _leaks(blob: bytes | str, values: set[str]) -> set[str]:
    text = blob if isinstance(blob, str) else blob.decode("utf-8", errors="replace")
    return {v for v in values if v in text}


@pytest.mark.parametrize("topic", [topics.ARREARS_REPORTED, topics.MATCHING_DECISIONS, topics.OUTREACH_CASE_EVENTS,
                                   topics.partner_rejections("waternet"), topics.dead_letters("intake"),
                                   topics.DATA_SHARE_REQUESTED, topics.DATA_SHARE_DECIDED,
                                   topics.partner_feedback("eigen-haard"), topics.partner_feedback("vgz")])
async def test_no_personal_data_on_internal_topics(slice_run, topic):
    values = personal_values(list(slice_run.clients.values()))
    records = await bus.read_topic(topic, timeout=30)
    raw = b"".join(r.value + json.dumps(r.headers).encode() for r in records)
    assert not _leaks(raw, values), f"{topic} carries personal data in plain text"


def test_no_personal_data_in_logs(slice_run):
    values = personal_values(list(slice_run.clients.values()))
    assert slice_run.log_paths
    for path in slice_run.log_paths:
        assert not _leaks(path.read_text(errors="replace"), values), f"{path.name} logs personal data"


def test_no_personal_data_in_spans(slice_run):
    values = personal_values(list(slice_run.clients.values()))
    files = list(slice_run.trace_dir.glob("*.jsonl"))
    assert files, "no spans were exported"
    for path in files:
        assert not _leaks(path.read_text(), values), f"{path.name} holds personal data"
