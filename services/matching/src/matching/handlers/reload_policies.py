"""Reload the policy files that changed (the policy-reload loop), and say in the log what took
effect and what was refused. Policy files hold no personal data, so their paths and versions are logged."""

from __future__ import annotations

import structlog

from ..adapters.policy_book import PolicyBook, Reloaded

log = structlog.get_logger(__name__)


def reload_policies(book: PolicyBook) -> Reloaded:
    done = book.reload()
    for policy_file in done.taken:
        log.info("policy_reloaded", file=str(policy_file.path), municipality_code=policy_file.municipality_code,
                 policy_version=policy_file.in_force.version)
    for problem in done.refused:
        # An operator must see this: the file they changed is not in force.
        log.error("policy_refused", problem=problem, kept="the policy in force for its municipality stays")
    for path in done.gone:
        log.warning("policy_file_removed", file=str(path), kept="its policy stays in force until matching restarts")
    return done
