"""The log pipeline keeps personal data out of every line, whatever field it comes in."""

import json
import uuid

import pytest

from vroeg_runtime import logs
from vroeg_runtime.logs import REDACTED, redact_text, strip_personal_data


@pytest.mark.parametrize("text", [
    "mail j.jansen+post@example.nl please",
    "call +31612345678 or 06-12345678 or 0031 6 1234 5678",
    "call +31 6 12345678 or +31 (0)6 1234 5678 or 020 123 4567",
    "bsn 111222333 in a message",
    "lives at 1091 AB or 1091AB",
])
def test_personal_details_in_free_text_are_redacted(text):
    redacted = redact_text(text)
    assert REDACTED in redacted
    assert not any(part in redacted for part in ("jansen", "12345678", "1234 5678", "123 4567", "111222333", "1091"))


@pytest.mark.parametrize("text", ["signal_assessed", str(uuid.uuid4()), "06123456-78ab-4cde-8f00-123456789abc",
                                  "nothing new to announce", "batch of 500 records"])
def test_names_ids_and_counts_are_left_as_they_are(text):
    assert redact_text(text) == text


def test_fields_that_name_personal_data_are_replaced_whatever_they_hold():
    event = strip_personal_data(None, "info", {"event": "x", "surname": "Jansen", "phone": None, "count": 3,
                                                "note": "phone 0612345678"})
    assert event == {"event": "x", "surname": REDACTED, "phone": REDACTED, "count": 3, "note": f"phone {REDACTED}"}


def test_a_log_line_carries_no_personal_data_and_names_its_service(capsys):
    logs.configure("intake", json_logs=True, level="INFO")
    logs.structlog.get_logger("t").info("report_refused", reason="postcode 1091 AB is not ours",
                                        email="a@b.nl", event_id=str(uuid.UUID(int=7)))
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["reason"] == f"postcode {REDACTED} is not ours" and line["email"] == REDACTED
    assert line["event_id"] == str(uuid.UUID(int=7)) and line["service"] == "intake" and line["level"] == "info"
