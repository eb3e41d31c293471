#!/usr/bin/env python3
"""Set Kafka's client quotas from the [quotas] of deploy/security.toml (idempotently), as the admin.

    python deploy/local/apply_quotas.py [--security-file PATH] [--describe]

[quotas.partner] becomes every user's default quota (`kafka-configs.sh --entity-type users
--entity-default`): each principal without a quota of its own, that is every partner, gets these
rates for itself alone, so a partner that floods is throttled by the broker while the others go on,
and a new partner needs no step here. [quotas.service] is set on every [service.*] of the file and on
the admin (VROEG_KAFKA_ADMIN_USER), so that the default never throttles them. A quota key left out
of a table is removed from its principals, so the broker holds what the file says.

`--describe` prints the client quotas the broker holds for users, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The quota keys this script manages (Kafka's names); others (controller_mutation_rate) are left alone.
KEYS = ("producer_byte_rate", "consumer_byte_rate", "request_percentage")
DEFAULT = None  # the user entity's name for the default of all users


def load_quotas(security_file: Path, admin: str) -> dict[str | None, dict[str, float]]:
    """Per user (None: the default of every user), the value of each key, from the file."""
    security = tomllib.loads(security_file.read_text())
    quotas = security.get("quotas", {})
    for table in ("partner", "service"):
        unknown = sorted(set(quotas.get(table, {})) - set(KEYS))
        if unknown:
            raise ValueError(f"{security_file.name}: [quotas.{table}]: unknown key {', '.join(unknown)}"
                             f" (known: {', '.join(KEYS)})")
    services = sorted(security.get("service", {})) + [admin]
    wanted: dict[str | None, dict[str, float]] = {DEFAULT: dict(quotas.get("partner", {}))}
    wanted.update({name: dict(quotas.get("service", {})) for name in services})
    return wanted


def admin_client():  # type: ignore[no-untyped-def]
    from kafka.admin import KafkaAdminClient

    from vroeg_runtime.kafka_auth import aiokafka_options

    return KafkaAdminClient(bootstrap_servers=os.environ.get("VROEG_KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
                            client_id="vroeg-quotas", request_timeout_ms=30_000,
                            **aiokafka_options(os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin")))


def _send(admin: Any, request: Any) -> Any:
    # kafka-python 3.0 has the protocol's client quota requests but no admin method for them yet; this
    # is how its own admin methods send theirs (kafka/admin/_acls.py).
    return admin._manager.run(admin._manager.send, request)


def apply(admin: Any, wanted: dict[str | None, dict[str, float]]) -> int:
    """Set every user's keys as `wanted` says, and remove the managed keys it leaves out."""
    from kafka.errors import for_code
    from kafka.protocol.admin import AlterClientQuotasRequest

    entry, op, entity = (AlterClientQuotasRequest.EntryData, AlterClientQuotasRequest.EntryData.OpData,
                         AlterClientQuotasRequest.EntryData.EntityData)
    entries = [entry(entity=[entity(entity_type="user", entity_name=user)],
                     ops=[op(key=key, value=float(values.get(key, 0.0)), remove=key not in values) for key in KEYS])
               for user, values in wanted.items()]
    response = _send(admin, AlterClientQuotasRequest(entries=entries, validate_only=False))
    failed = [f"{[e.entity_name for e in result.entity]}: {result.error_message or for_code(result.error_code).__name__}"
              for result in response.entries if result.error_code]
    if failed:
        raise RuntimeError(f"client quotas refused: {'; '.join(failed)}")
    return len(entries)


def describe(admin: Any) -> dict[str | None, dict[str, float]]:
    """The client quotas the broker holds for users (None: the default), per user."""
    from kafka.errors import for_code
    from kafka.protocol.admin import DescribeClientQuotasRequest

    component = DescribeClientQuotasRequest.ComponentData(entity_type="user", match_type=2, match=None)  # any named
    default = DescribeClientQuotasRequest.ComponentData(entity_type="user", match_type=1, match=None)
    quotas: dict[str | None, dict[str, float]] = {}
    for components in ([component], [default]):
        response = _send(admin, DescribeClientQuotasRequest(components=components, strict=False))
        if response.error_code:
            raise RuntimeError(f"describing client quotas: {response.error_message or for_code(response.error_code).__name__}")
        for found in response.entries or []:
            users = [e.entity_name for e in found.entity if e.entity_type == "user"]
            if len(found.entity) == 1 and users:  # user quotas, not user and client-id ones
                quotas[users[0]] = {value.key: value.value for value in found.values}
    return quotas


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--security-file", type=Path, default=ROOT / "deploy" / "security.toml")
    parser.add_argument("--describe", action="store_true", help="print the user quotas the broker holds")
    args = parser.parse_args()
    from vroeg_runtime.kafka_auth import MissingKafkaPassword

    try:
        wanted = load_quotas(args.security_file, os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin"))
        admin = admin_client()
    except (ValueError, MissingKafkaPassword) as error:
        print(f"quotas: {error}", file=sys.stderr)
        return 2
    try:
        if args.describe:
            print(json.dumps({"(default)" if user is None else user: values
                              for user, values in sorted(describe(admin).items(), key=lambda item: item[0] or "")}))
            return 0
        count = apply(admin, wanted)
    finally:
        admin.close()
    print(f"quotas: client quotas of {count} users applied (the default for partners, {count - 1} unthrottled)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
