"""The policy files: one TOML file per municipality in `MATCHING_POLICY_DIR`, read and validated at
start-up. A wrong file stops the start with the file, the field and the reason."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain.policy import Policy


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
