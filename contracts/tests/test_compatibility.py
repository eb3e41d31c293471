"""The committed contract schemas are current, and no change to a model breaks them.

The checker itself is proven on deliberately modified schemas: each breaking change named in
docs/adr/0004-contract-compatibility.md is caught, and each allowed change passes.
"""

import copy
import shutil
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from vroeg_contracts import schemas
from vroeg_contracts.schemas import breaking_changes, compare, committed_schemas, current_schemas

ARREARS = "events/vroeg.intake.arrears-reported.v1/ArrearsReported.v1.json"


def test_no_change_breaks_a_committed_contract():
    result = compare(committed_schemas(), current_schemas())
    assert not result.breaking, "\n".join([*result.breaking, schemas.BREAKING_ADVICE])


def test_the_committed_schemas_are_current():
    result = compare(committed_schemas(), current_schemas())
    assert not result.stale, f"run `python -m vroeg_contracts.schemas --write` for: {result.stale}"


def test_a_topic_maps_to_the_messages_it_carries():
    assert [c.model.__name__ for c in schemas.contracts_for_topic("partner.waternet.reports.v1")] == ["PartnerReportV1"]
    assert [c.model.__name__ for c in schemas.contracts_for_topic("partner.waternet.rejections.v1")] == [
        "ReportAcceptedWithWarnings", "ReportRejected"]
    decisions = {c.event_type for c in schemas.contracts_for_topic("vroeg.matching.decisions.v1")}
    assert {"HouseholdAtRisk", "HouseholdRiskEscalated", "SignalNotPickedUp"} <= decisions
    assert not schemas.contracts_for_topic("partner.waternet.reports.v2")


def _arrears() -> dict[str, Any]:
    return copy.deepcopy(committed_schemas()[ARREARS])


def _payload(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["$defs"]["ArrearsReported"]


def _remove_field(s):
    del _payload(s)["properties"]["warm_handover"]
    _payload(s)["required"].remove("warm_handover")


def _change_type(s):
    _payload(s)["properties"]["crisis"] = {"title": "Crisis", "type": "string"}


def _add_required_field(s):
    _payload(s)["properties"]["case_worker"] = {"type": "string"}
    _payload(s)["required"].append("case_worker")


def _remove_enum_value(s):
    s["$defs"]["Category"]["enum"].remove("mortgage")


def _make_nullable(s):
    _payload(s)["properties"]["partner_id"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}


def _make_optional(s):
    _payload(s)["required"].remove("person_key")


def _tighten_a_constraint(s):
    s["properties"]["municipality_code"]["pattern"] = r"^0\d{3}$"


def _change_event_type(s):
    s["properties"]["event_type"]["const"] = "ArrearsNoticed"


def _change_a_nested_type(s):
    s["$defs"]["SealedContact"]["properties"]["key_id"]["type"] = "integer"


@pytest.mark.parametrize(("change", "expected"), [
    (_remove_field, "payload.warm_handover: field removed"),
    (_change_type, "payload.crisis: type changed: no longer accepts boolean"),
    (_add_required_field, "payload.case_worker: new required field"),
    (_remove_enum_value, "payload.category: enum value(s) removed: 'mortgage'"),
    (_make_nullable, "payload.partner_id: type changed: now also accepts null"),
    (_make_optional, "payload.person_key: field no longer required"),
    (_tighten_a_constraint, "municipality_code: pattern changed"),
    (_change_event_type, "event_type: enum value(s) removed: 'ArrearsReported'"),
    (_change_a_nested_type, "payload.contact.key_id: type changed: no longer accepts string"),
])
def test_a_breaking_change_is_caught(change: Callable[[dict[str, Any]], None], expected: str):
    old = _arrears()
    new = _arrears()
    change(new)
    breaks = breaking_changes(old, new)
    assert any(b.startswith(expected) for b in breaks), breaks


def _add_optional_field(s):
    _payload(s)["properties"]["note"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}


def _add_enum_value(s):
    s["$defs"]["ReportStatus"]["enum"].append("disputed")


def _reword(s):
    _payload(s)["description"] = "Reworded: descriptions, titles and defaults are documentation."
    _payload(s)["properties"]["crisis"]["title"] = "Crisis signal"


@pytest.mark.parametrize("change", [_add_optional_field, _add_enum_value, _reword])
def test_an_additive_change_is_compatible(change: Callable[[dict[str, Any]], None]):
    new = _arrears()
    change(new)
    assert breaking_changes(_arrears(), new) == []


def test_a_new_message_is_allowed_but_a_removed_one_breaks():
    committed = {ARREARS: _arrears()}
    added = compare(committed, {ARREARS: _arrears(), "events/x.v1/New.v1.json": {"type": "object"}})
    assert added.breaking == [] and added.stale == ["events/x.v1/New.v1.json"]
    removed = compare(committed, {})
    assert [b.split(":")[0] for b in removed.breaking] == [ARREARS]


class _ReportV1(BaseModel):
    report_id: str
    amount: float
    note: str | None = None


class _ReportBroken(BaseModel):  # amount became a string, and a required field appeared
    report_id: str
    amount: str
    channel: str


def test_models_compare_through_their_generated_schemas():
    breaks = breaking_changes(_ReportV1.model_json_schema(), _ReportBroken.model_json_schema())
    assert breaks == ["amount: type changed: no longer accepts number", "amount: type changed: now also accepts string",
                      "note: field removed", "channel: new required field"]


@pytest.fixture
def schema_dir(tmp_path):
    shutil.copytree(schemas.SCHEMA_DIR, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_check_passes_on_a_current_copy_and_fails_on_a_missing_schema(schema_dir, capsys):
    assert schemas.main(["--check", "--dir", str(schema_dir)]) == 0
    (schema_dir / ARREARS).unlink()
    assert schemas.main(["--check", "--dir", str(schema_dir)]) == 1
    assert f"STALE {ARREARS}" in capsys.readouterr().err


def test_write_refuses_a_breaking_change_and_leaves_the_committed_file(schema_dir, capsys):
    # Pretend the committed contract had a field the model no longer has: the model "removed" it.
    committed = _arrears()
    _payload(committed)["properties"]["legacy_reference"] = {"type": "string"}
    (schema_dir / ARREARS).write_text(schemas.render(committed), encoding="utf-8")
    assert schemas.main(["--write", "--dir", str(schema_dir)]) == 1
    assert "payload.legacy_reference: field removed" in capsys.readouterr().err
    assert "legacy_reference" in (schema_dir / ARREARS).read_text(encoding="utf-8")
