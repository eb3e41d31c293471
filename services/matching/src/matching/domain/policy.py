"""A municipality's early-detection policy: thresholds, window, what each intensity leads to, repeats."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vroeg_contracts.events import Intensity
from vroeg_contracts.partner_report import Category

from .durations import IsoPeriod, Period


class Action(StrEnum):
    LETTER_ONLY = "letter_only"
    LETTER_AND_CALL = "letter_and_call"
    URGENT = "urgent"  # letter and contact on the next working day
    IGNORE = "ignore"  # no case for this intensity on its own (only `single` may say so)


class Threshold(BaseModel):
    """What a signal needs before it counts: days in arrears (signal date minus arrears since) and amount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_days_in_arrears: int = Field(default=30, ge=0)
    min_amount: Decimal = Field(default=Decimal("0"), ge=0)


class ThresholdOverride(BaseModel):
    """A category's own threshold; what it leaves out comes from `default_threshold`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_days_in_arrears: int | None = Field(default=None, ge=0)
    min_amount: Decimal | None = Field(default=None, ge=0)


class Policy(BaseModel):
    """Validated at start-up: a wrong policy file stops the service with the field that is wrong."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    municipality_code: str = Field(pattern=r"^\d{4}$")
    name: str = Field(min_length=1)
    window: IsoPeriod = Period(days=90)
    repeat_suppression: IsoPeriod = Period(months=6)  # a closed case suppresses the same partner this long
    default_threshold: Threshold = Threshold()
    thresholds: dict[Category, ThresholdOverride] = Field(default_factory=dict)
    single: Action = Action.LETTER_ONLY
    multiple: Action = Action.LETTER_AND_CALL
    crisis: Action = Action.URGENT
    crisis_bypasses_threshold: bool = True  # an end-of-supply or eviction notice never waits

    @field_validator("window", "repeat_suppression")
    @classmethod
    def _whole_days(cls, value: Period) -> Period:
        if not value.whole_days:
            raise ValueError(f"must be whole days or months (such as P90D or P6M), not {value}")
        if value == Period():
            raise ValueError("must be longer than zero")
        return value

    @field_validator("multiple", "crisis")
    @classmethod
    def _never_ignored(cls, value: Action) -> Action:
        # The Wgs obliges the municipality to offer help; only a lone single signal may wait for more.
        if value is Action.IGNORE:
            raise ValueError("may not be 'ignore': only `single` may wait for more signals")
        return value

    def threshold(self, category: Category) -> Threshold:
        override = self.thresholds.get(category)
        if override is None:
            return self.default_threshold
        return self.default_threshold.model_copy(update=override.model_dump(exclude_none=True))

    def action_for(self, intensity: Intensity) -> Action:
        actions = {Intensity.SINGLE: self.single, Intensity.MULTIPLE: self.multiple, Intensity.CRISIS: self.crisis}
        return actions[intensity]

    def summary(self) -> dict[str, object]:
        """The policy as stored with each decision, so an auditor sees the rules that applied."""
        return self.model_dump(mode="json")


class PolicyError(ValueError):
    pass


def load_policy(path: Path) -> Policy:
    try:
        return Policy.model_validate(tomllib.loads(path.read_text()))
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from None
    except ValidationError as error:
        raise PolicyError(f"{path}: {'; '.join(_problem(e) for e in error.errors(include_input=False))}") from None


def _problem(error: Any) -> str:
    """`field: reason`, with a wrong category key named as such rather than as `[key]`."""
    location = [str(part) for part in error["loc"]]
    reason = error["msg"].removeprefix("Value error, ")
    if location[-1:] == ["[key]"]:
        location, reason = location[:-1], f"not a category: {reason.removeprefix('Input should be ')}"
    return f"{'.'.join(location) or '(policy)'}: {reason}"


def load_policies(directory: Path) -> dict[str, Policy]:
    """Every `*.toml` policy in a directory (not its subdirectories), by municipality code."""
    policies: dict[str, Policy] = {}
    for path in sorted(directory.glob("*.toml")):
        policy = load_policy(path)
        if policy.municipality_code in policies:
            raise PolicyError(f"{path}: municipality_code: a second policy for {policy.municipality_code}")
        policies[policy.municipality_code] = policy
    if not policies:
        raise PolicyError(f"{directory}: no policy files (*.toml)")
    return policies
