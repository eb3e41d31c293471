"""Policy files: the shipped ones load, and a wrong one is refused with the field and the reason."""

from decimal import Decimal
from pathlib import Path

import pytest

from matching.adapters.policy_files import PolicyError, load_policies, load_policy
from matching.domain.durations import Period
from matching.domain.policy import Action
from vroeg_contracts.partner_report import Category

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text('municipality_code = "0437"\nname = "test"\n' + text)
    return path


def test_the_shipped_policies_load():
    default = load_policies(POLICIES)["0437"]
    assert (default.window, default.repeat_suppression) == (Period(days=90), Period(months=6))
    assert (default.single, default.multiple, default.crisis) == (Action.LETTER_ONLY, Action.LETTER_AND_CALL, Action.URGENT)
    example = load_policy(POLICIES / "examples" / "single-letter-and-call.toml")
    assert example.single is Action.LETTER_AND_CALL


def test_a_category_threshold_takes_what_it_leaves_out_from_the_default(tmp_path):
    policy = load_policy(write(tmp_path, '[default_threshold]\nmin_days_in_arrears = 45\n'
                                         '[thresholds.water]\nmin_amount = "25"\n'))
    water = policy.threshold(Category.WATER)
    assert (water.min_days_in_arrears, water.min_amount) == (45, Decimal("25"))
    assert policy.threshold(Category.RENT).min_amount == Decimal("0")


@pytest.mark.parametrize(("text", "field", "reason"), [
    ('single = "letter_twice"\n', "single", "letter_only"),
    ('window = "soon"\n', "window", "not an ISO-8601 duration"),
    ('window = "PT12H"\n', "window", "whole days or months"),
    ('window = "P0D"\n', "window", "longer than zero"),
    ('repeat_suppression = 183\n', "repeat_suppression", "ISO-8601 duration"),
    ('crisis = "ignore"\n', "crisis", "may not be 'ignore'"),
    ('multiple = "ignore"\n', "multiple", "may not be 'ignore'"),
    ('[thresholds.gas]\nmin_amount = "5"\n', "thresholds.gas", "not a category: 'rent'"),
    ('[thresholds.rent]\nmin_days = 30\n', "thresholds.rent.min_days", "Extra inputs"),
    ('[default_threshold]\nmin_days_in_arrears = -1\n', "default_threshold.min_days_in_arrears", "greater than or equal"),
    ('crisis_bypasses_threshold = "sometimes"\n', "crisis_bypasses_threshold", "boolean"),
    ('colour = "blue"\n', "colour", "Extra inputs"),
])
def test_a_wrong_policy_names_the_field_and_the_reason(tmp_path, text, field, reason):
    with pytest.raises(PolicyError) as caught:
        load_policy(write(tmp_path, text))
    assert f"{field}: " in str(caught.value) and reason in str(caught.value)


def test_a_missing_municipality_and_broken_toml_are_refused(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('name = "x"\n')
    with pytest.raises(PolicyError, match="municipality_code: Field required"):
        load_policy(path)
    path.write_text('name = "x\n')
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)


def test_two_policies_for_one_municipality_are_refused(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text('municipality_code = "0437"\nname = "x"\n')
    with pytest.raises(PolicyError, match="a second policy for 0437"):
        load_policies(tmp_path)
    with pytest.raises(PolicyError, match="no policy files"):
        load_policies(tmp_path / "empty")
