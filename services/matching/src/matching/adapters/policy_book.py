"""The policies in force, one per municipality, and their reload while matching runs: a changed
policy file takes effect at the next decision, without a restart.

A reload reads only the files whose bytes changed since they were last read. A wrong file is
refused (`file: option: reason`) and the policy in force for its municipality stays, so a typo
never leaves a municipality without a policy; the other files still load. A file that is removed
(or whose `municipality_code` changes) does not take its municipality's policy away before a
restart: events of a municipality without a policy are dead-lettered, which is not what an edit
should cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.policy import Policy, PolicyInForce, policy_for
from .policy_files import PolicyError, PolicyFile, load_policy_files, policy_paths, read_policy, second_policy


@dataclass
class Reloaded:
    """What one reload did."""

    taken: list[PolicyFile] = field(default_factory=list)  # files whose new content is now in force
    refused: list[str] = field(default_factory=list)  # `file: option: reason`, one per refused file
    gone: list[Path] = field(default_factory=list)  # files removed; their policies stay in force


class PolicyBook:
    def __init__(self, directory: Path, files: Mapping[str, PolicyFile]) -> None:
        self.directory = directory
        self._files = dict(files)  # in force, by municipality code
        # The bytes last read from each file, right or wrong: a refused file is reported once per change.
        self._read = {policy_file.path: policy_file.source for policy_file in files.values()}

    @classmethod
    def open(cls, directory: Path) -> PolicyBook:
        """The policies at start-up, where every file must be right: a wrong one raises `PolicyError`."""
        return cls(directory, load_policy_files(directory))

    def policy_for(self, municipality_code: str) -> PolicyInForce:
        """The municipality's policy in force now; `UnknownMunicipality` if it has none."""
        return policy_for(municipality_code, self.in_force())

    def in_force(self) -> dict[str, PolicyInForce]:
        return {code: policy_file.in_force for code, policy_file in self._files.items()}

    def policies(self) -> dict[str, Policy]:
        return {code: policy_file.in_force.policy for code, policy_file in self._files.items()}

    def reload(self) -> Reloaded:
        """Read the files that changed; take the right ones, refuse the wrong ones."""
        done = Reloaded()
        present = policy_paths(self.directory)
        for path in sorted(set(self._read) - set(present)):
            del self._read[path]  # read again should it come back
            done.gone.append(path)
        for path in present:
            try:
                source = path.read_bytes()
            except OSError as error:
                done.refused.append(f"{path}: cannot be read: {error.strerror}")
                continue
            if self._read.get(path) == source:
                continue
            self._read[path] = source
            try:
                policy_file = self._take(read_policy(path, source), present)
            except PolicyError as error:
                done.refused.append(str(error))
                continue
            done.taken.append(policy_file)
        return done

    def _take(self, policy_file: PolicyFile, present: list[Path]) -> PolicyFile:
        code = policy_file.municipality_code
        holder = self._files.get(code)
        # One policy per municipality: another file present that holds it keeps it.
        if holder is not None and holder.path != policy_file.path and holder.path in present:
            raise second_policy(policy_file.path, code, holder.path)
        self._files[code] = policy_file
        return policy_file
