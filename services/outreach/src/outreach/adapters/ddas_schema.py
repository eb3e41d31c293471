"""Validation of a DDAS delivery against the Uitwisselmodel v0.9 JSON Schema, formats included."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_PATH = Path(__file__).with_name("json_schema_Uitwisselmodel.json")


class DeliveryInvalid(ValueError):
    """The delivery does not match the schema; `problems` name the place and the reason of each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("DDAS delivery does not match the Uitwisselmodel schema: " + "; ".join(problems[:10]))
        self.problems = problems


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text()), format_checker=FormatChecker())


def validate(document: dict[str, Any]) -> None:
    """Raise DeliveryInvalid naming every place that does not match and the rule it breaks. The
    message quotes the schema, never the document: its values are personal data."""
    problems = [f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.validator} "
                f"{str(error.validator_value)[:120]}"
                for error in sorted(validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        raise DeliveryInvalid(problems)
