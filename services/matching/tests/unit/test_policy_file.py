"""Policy files: the shipped ones load, a wrong one is refused with the field and the reason, and
each policy's version follows from its file."""

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from matching.adapters.policy_files import PolicyError, load_policies, load_policy, read_policy
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


def test_amstelveen_differs_from_ouder_amstel():
    policies = load_policies(POLICIES)
    assert set(policies) == {"0437", "0362"}
    amstelveen = policies["0362"]
    assert (amstelveen.single, amstelveen.window) == (Action.LETTER_AND_CALL, Period(days=60))
    assert amstelveen.threshold(Category.RENT).min_amount == Decimal("50")
    assert amstelveen.single != policies["0437"].single and amstelveen.window != policies["0437"].window


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


WGS = ("may not be 'ignore': the Wgs obliges the municipality to offer help after every signal that meets the"
       ' threshold; a signal below it is already "Niet opgepakt: onterecht signaal"')


@pytest.mark.parametrize("option", ["single", "multiple", "crisis"])
def test_no_action_may_be_ignore_because_the_wgs_requires_an_offer_of_help(tmp_path, option):
    path = write(tmp_path, f'{option} = "ignore"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value) == f"{path}: {option}: {WGS}"


def test_ignore_is_no_action_at_all():
    assert "ignore" not in {action.value for action in Action}


def test_the_version_is_the_municipality_and_the_start_of_the_files_sha256(tmp_path):
    path = write(tmp_path, 'single = "urgent"\n')
    expected = f"0437:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
    assert read_policy(path).in_force.version == expected
    assert read_policy(path).in_force.version == expected  # reproducible: the same file, the same version


def test_any_change_to_the_file_changes_the_version_and_a_label_heads_it(tmp_path):
    path = write(tmp_path, 'single = "urgent"\n')
    before = read_policy(path).in_force.version
    path.write_bytes(path.read_bytes() + b"# only a comment\n")
    assert read_policy(path).in_force.version != before
    path.write_text(path.read_text() + 'version = "2026-07-raad"\n')
    assert read_policy(path).in_force.version == f"2026-07-raad:0437:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def test_a_label_with_spaces_or_colons_is_refused(tmp_path):
    with pytest.raises(PolicyError, match="version: String should match pattern"):
        load_policy(write(tmp_path, 'version = "juli: raad"\n'))


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
