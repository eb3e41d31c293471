"""Retention periods: ISO-8601 with calendar months, a default of six months, and clear errors."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from consent.config import SERVICE_DIR, load_retention_policy
from consent.domain.retention import DATA_CLASSES, Period, RetentionError, RetentionPolicy


@pytest.mark.parametrize(("text", "now", "cutoff"), [
    ("P6M", datetime(2026, 8, 31, 10, tzinfo=UTC), datetime(2026, 2, 28, 10, tzinfo=UTC)),  # no 31 February
    ("P6M", datetime(2026, 3, 15, tzinfo=UTC), datetime(2025, 9, 15, tzinfo=UTC)),
    ("P1Y", datetime(2028, 2, 29, tzinfo=UTC), datetime(2027, 2, 28, tzinfo=UTC)),
    ("P30D", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 1, 30, tzinfo=UTC)),
    ("P1M2DT3H", datetime(2026, 3, 10, 12, tzinfo=UTC), datetime(2026, 2, 8, 9, tzinfo=UTC)),
    ("PT5S", datetime(2026, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, 23, 59, 55, tzinfo=UTC)),
])
def test_period_before(text, now, cutoff):
    assert Period.parse(text).before(now) == cutoff


@pytest.mark.parametrize("text", ["", "P", "6M", "P6", "PT", "P-1D", "P1.5D", "six months"])
def test_a_malformed_period_is_refused(text):
    with pytest.raises(RetentionError, match="ISO-8601"):
        Period.parse(text)


def test_a_class_left_out_keeps_the_default_of_six_months():
    policy = RetentionPolicy.from_config({"inbox": "P60D"})
    assert policy.keep["inbox"].exact == timedelta(days=60)
    assert policy.keep["share_decisions"].months == 6
    assert set(policy.keep) == set(DATA_CLASSES)


def test_an_unknown_class_is_an_error_naming_it():
    with pytest.raises(RetentionError, match="unknown data class.*share_decision\\b"):
        RetentionPolicy.from_config({"share_decision": "P6M"})


def test_a_bad_period_names_its_class():
    with pytest.raises(RetentionError, match="^ended_consents: "):
        RetentionPolicy.from_config({"ended_consents": "half a year"})


def test_the_shipped_policy_loads(tmp_path: Path):
    policy = load_retention_policy(SERVICE_DIR / "config" / "retention.toml")
    assert policy.keep["share_decisions"].months == 6
    broken = tmp_path / "retention.toml"
    broken.write_text("[keep]\ninbox = 'soon'\n")
    with pytest.raises(RetentionError, match="retention.toml: inbox: "):
        load_retention_policy(broken)
