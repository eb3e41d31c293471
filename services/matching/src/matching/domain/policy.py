"""A municipality's early-detection policy: thresholds, window, what each intensity leads to, repeats."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vroeg_contracts.partner_report import Category


class Action(StrEnum):
    LETTER_ONLY = "letter_only"
    LETTER_AND_CALL = "letter_and_call"
    URGENT = "urgent"  # letter and contact on the next working day
    IGNORE = "ignore"


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_days_in_arrears: int = Field(default=30, ge=0)
    min_amount: Decimal = Field(default=Decimal("0"), ge=0)


class Policy(BaseModel):
    """Validated at start-up: a wrong policy file stops the service with the field that is wrong."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    municipality_code: str = Field(pattern=r"^\d{4}$")
    name: str
    window: timedelta = timedelta(days=90)
    repeat_suppression: timedelta = timedelta(days=183)  # a closed case suppresses repeats this long
    default_threshold: Threshold = Threshold()
    thresholds: dict[Category, Threshold] = Field(default_factory=dict)
    single: Action = Action.LETTER_ONLY
    multiple: Action = Action.LETTER_AND_CALL
    crisis: Action = Action.URGENT
    crisis_bypasses_threshold: bool = True  # an end-of-supply or eviction notice never waits

    @model_validator(mode="after")
    def _sane(self) -> Policy:
        if self.window <= timedelta(0):
            raise ValueError("window must be a positive duration")
        if self.crisis is Action.IGNORE:
            raise ValueError("crisis may not be 'ignore': the Wgs requires an offer of help after a crisis signal")
        return self

    def threshold(self, category: Category) -> Threshold:
        return self.thresholds.get(category, self.default_threshold)


class PolicyError(ValueError):
    pass


def load_policy(path: Path) -> Policy:
    try:
        return Policy.model_validate(tomllib.loads(path.read_text()))
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(policy)'}: {e['msg']}"
                             for e in error.errors(include_input=False))
        raise PolicyError(f"{path}: {problems}") from None


def load_policies(directory: Path) -> dict[str, Policy]:
    """Every `*.toml` policy in a directory, by municipality code."""
    policies: dict[str, Policy] = {}
    for path in sorted(directory.glob("*.toml")):
        policy = load_policy(path)
        if policy.municipality_code in policies:
            raise PolicyError(f"{path}: a second policy for municipality {policy.municipality_code}")
        policies[policy.municipality_code] = policy
    if not policies:
        raise PolicyError(f"no policy files in {directory}")
    return policies
