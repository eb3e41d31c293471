"""The policy files: one TOML file per municipality in `MATCHING_POLICY_DIR`, read and validated.
A wrong file is refused with the file, the field and the reason."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain.policy import Policy, PolicyInForce, policy_version


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class PolicyFile:
    """A policy as read from its file: the file's bytes decide its version."""

    path: Path
    source: bytes
    in_force: PolicyInForce

    @property
    def municipality_code(self) -> str:
        return self.in_force.policy.municipality_code


def read_policy(path: Path, source: bytes | None = None) -> PolicyFile:
    """The policy in a file (or in `source`, the bytes already read from it); `PolicyError` if wrong."""
    source = path.read_bytes() if source is None else source
    try:
        policy = Policy.model_validate(tomllib.loads(source.decode()))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from None
    except ValidationError as error:
        raise PolicyError(f"{path}: {'; '.join(_problem(e) for e in error.errors(include_input=False))}") from None
    return PolicyFile(path, source, PolicyInForce(policy, policy_version(policy, source)))


def load_policy(path: Path) -> Policy:
    return read_policy(path).in_force.policy


def _problem(error: Any) -> str:
    """`field: reason`, with a wrong category key named as such rather than as `[key]`."""
    location = [str(part) for part in error["loc"]]
    reason = error["msg"].removeprefix("Value error, ")
    if location[-1:] == ["[key]"]:
        location, reason = location[:-1], f"not a category: {reason.removeprefix('Input should be ')}"
    return f"{'.'.join(location) or '(policy)'}: {reason}"


def policy_paths(directory: Path) -> list[Path]:
    """The policy files of a directory: every `*.toml` in it, not in its subdirectories (examples)."""
    return sorted(directory.glob("*.toml"))


def second_policy(path: Path, municipality_code: str, first: Path) -> PolicyError:
    return PolicyError(f"{path}: municipality_code: a second policy for {municipality_code} (the first is {first})")


def load_policy_files(directory: Path) -> dict[str, PolicyFile]:
    """Every policy file of a directory, by municipality code; the first wrong one raises `PolicyError`."""
    files: dict[str, PolicyFile] = {}
    for path in policy_paths(directory):
        policy_file = read_policy(path)
        if policy_file.municipality_code in files:
            raise second_policy(path, policy_file.municipality_code, files[policy_file.municipality_code].path)
        files[policy_file.municipality_code] = policy_file
    if not files:
        raise PolicyError(f"{directory}: no policy files (*.toml)")
    return files


def load_policies(directory: Path) -> dict[str, Policy]:
    """Every policy of a directory, by municipality code (see `load_policy_files`)."""
    return {code: policy_file.in_force.policy for code, policy_file in load_policy_files(directory).items()}
