"""Validation of a DDAS delivery against the official Uitwisselmodel v1.2 JSON Schema, formats included."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

# The official file, byte for byte (a unit test compares it with ../shared/ddas/v1.2 when that is there).
SCHEMA_PATH = Path(__file__).with_name("json_schema_Uitwisselmodel-v1.2.json")
# RFC 3339 `date-time`, as JSON Schema means it: a date, "T", a time and an offset or Z.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class DeliveryInvalid(ValueError):
    """The delivery does not match the schema; `problems` name the place and the rule of each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("DDAS delivery does not match the Uitwisselmodel v1.2 schema: " + "; ".join(problems[:10]))
        self.problems = problems


def _format_checker() -> FormatChecker:
    """jsonschema's checks, plus `date-time` (aanleverdatumEnTijd): jsonschema checks that format only
    with the optional rfc3339-validator installed, and passes anything without it."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True  # `type` judges non-strings
        if not _RFC3339.match(value):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # a real day and time: ValueError if not
        return True

    return checker


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_bytes())
    return loaded


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=_format_checker())


def validate(document: dict[str, Any]) -> None:
    """Raise DeliveryInvalid naming every place that does not match and the rule it breaks: the JSON
    path and the schema keyword, never the document's value (it is personal data)."""
    errors = sorted(validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    problems = [f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.validator}" for error in errors]
    if problems:
        raise DeliveryInvalid(problems)
