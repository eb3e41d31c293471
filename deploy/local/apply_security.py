#!/usr/bin/env python3
"""Create Kafka's SCRAM users and ACLs from deploy/security.toml (idempotently), as the admin.

    python deploy/local/apply_security.py [--security-file PATH] [--topics-file PATH]

Principals: every partner of deploy/topics.toml, and every service of deploy/security.toml. The
broker's authorizer denies what no ACL allows, so a principal can do exactly what the file says.
Passwords come from VROEG_KAFKA_PASSWORD_<NAME>; deploy/local/env.sh sets development defaults.

`python -m intake partners add|disable` loads this file too (by path: deploy/local is not a package)
for one partner at a time: `partner_grants` and `apply` when a partner is onboarded, `revoke` when
it is disabled.
"""

import argparse
import os
import secrets
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRAM_ITERATIONS = 8192


@dataclass(frozen=True)
class Grant:
    principal: str
    read: tuple[str, ...]
    write: tuple[str, ...]
    groups: tuple[str, ...]


def load_grants(security_file: Path, topics_file: Path) -> list[Grant]:
    """Every principal with its topics and group prefixes, templates expanded."""
    partners = tomllib.loads(topics_file.read_text())["partners"]["ids"]
    return _grants(tomllib.loads(security_file.read_text()), partners)


def partner_grants(security_file: Path, partner: str) -> list[Grant]:
    """What onboarding one partner adds: its own grant, and each service's rights on that partner's
    topics (only those: the services' other rights are there already)."""
    return _grants(tomllib.loads(security_file.read_text()), [partner], partner_topics_only=True)


def _grants(security: dict[str, Any], partners: list[str], *, partner_topics_only: bool = False) -> list[Grant]:
    def expand(patterns: list[str], only: str | None = None) -> tuple[str, ...]:
        out: list[str] = []
        for pattern in patterns:
            if "{partner}" in pattern:
                out += [pattern.format(partner=p) for p in ([only] if only else partners)]
            elif not partner_topics_only:
                out.append(pattern)
        return tuple(out)

    grants = [Grant(name, expand(s.get("read", [])), expand(s.get("write", [])), expand(s.get("groups", [])))
              for name, s in sorted(security.get("service", {}).items())]
    template = security["partner"]
    grants += [Grant(p, expand(template.get("read", []), p), expand(template.get("write", []), p),
                     expand(template.get("groups", []), p)) for p in partners]
    if partner_topics_only:  # a service with no right on partner topics gains nothing
        return [grant for grant in grants if grant.read or grant.write or grant.groups]
    return grants


def admin_client():  # type: ignore[no-untyped-def]
    from kafka.admin import KafkaAdminClient

    from vroeg_runtime.kafka_auth import aiokafka_options

    return KafkaAdminClient(bootstrap_servers=os.environ.get("VROEG_KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
                            client_id="vroeg-security", request_timeout_ms=30_000,
                            **aiokafka_options(os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin")))


def apply(grants: list[Grant], passwords: Mapping[str, str] | None = None) -> tuple[int, int]:
    """Every grant's ACLs, and a SCRAM credential for each principal of `passwords` (by default every
    grant's principal, with its password from the environment)."""
    from kafka.admin import (ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern,
                             ResourceType, ScramMechanism, UserScramCredentialUpsertion)

    from vroeg_runtime.kafka_auth import kafka_password

    if passwords is None:
        passwords = {g.principal: kafka_password(g.principal) for g in grants}
    admin = admin_client()
    try:
        upserts = [UserScramCredentialUpsertion(principal, ScramMechanism.SCRAM_SHA_512, password,
                                                iterations=SCRAM_ITERATIONS) for principal, password in passwords.items()]
        if upserts:
            refused = {user: error for user, error in admin.alter_user_scram_credentials(upserts).items() if error}
            if refused:
                raise RuntimeError(f"SCRAM credentials refused: {refused}")
        acls = []
        for grant in grants:
            principal = f"User:{grant.principal}"
            for topic in grant.read:
                acls.append(ACL(principal, "*", ACLOperation.READ, ACLPermissionType.ALLOW,
                                ResourcePattern(ResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL)))
            for topic in grant.write:
                acls.append(ACL(principal, "*", ACLOperation.WRITE, ACLPermissionType.ALLOW,
                                ResourcePattern(ResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL)))
            for group in grant.groups:
                acls.append(ACL(principal, "*", ACLOperation.READ, ACLPermissionType.ALLOW,
                                ResourcePattern(ResourceType.GROUP, group, ACLResourcePatternType.PREFIXED)))
        result = admin.create_acls(acls)  # creating an ACL that exists is a no-op for Kafka
        if result.get("failed"):
            raise RuntimeError(f"ACLs refused: {result['failed'][:3]}")
        return len(upserts), len(acls)
    finally:
        admin.close()


def revoke(principal: str) -> int:
    """Take a principal's rights away at once: delete its SCRAM credential (no new connection
    authenticates) and every ACL naming it (a connection still open is refused its next request).
    The number of ACLs deleted; running it again deletes nothing more and is no error."""
    from kafka.admin import (ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                             ResourcePatternFilter, ResourceType, ScramMechanism, UserScramCredentialUpsertion)

    admin = admin_client()
    try:
        everything = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
        results = admin.delete_acls([ACLFilter(f"User:{principal}", None, ACLOperation.ANY, ACLPermissionType.ANY,
                                               everything)])
        failed = [error for _filter, _acls, error in results if error is not None and error.errno]
        if failed:
            raise RuntimeError(f"ACLs of {principal} not deleted: {failed}")
        # The credential is overwritten with a random password nobody knows, not deleted: in our runs a
        # Kafka 4.1 broker restarted after a RemoveUserScramCredentialRecord refused every SCRAM login
        # (services included), so a deletion would turn the next broker restart into an outage.
        admin.alter_user_scram_credentials([UserScramCredentialUpsertion(
            principal, ScramMechanism.SCRAM_SHA_512, secrets.token_urlsafe(32), iterations=SCRAM_ITERATIONS)])
        return sum(len(acls) for _filter, acls, _error in results)
    finally:
        admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--security-file", type=Path, default=ROOT / "deploy" / "security.toml")
    parser.add_argument("--topics-file", type=Path, default=ROOT / "deploy" / "topics.toml")
    args = parser.parse_args()
    from vroeg_runtime.kafka_auth import MissingKafkaPassword

    grants = load_grants(args.security_file, args.topics_file)
    try:
        users, acls = apply(grants)
    except MissingKafkaPassword as error:
        print(f"security: {error}", file=sys.stderr)
        return 2
    print(f"security: {users} SCRAM users and {acls} ACLs applied")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
