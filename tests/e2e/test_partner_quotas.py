"""The broker throttles a partner that floods, and no one else (the [quotas] of deploy/security.toml,
applied by deploy/local/apply_quotas.py): every principal without a quota of its own, which is every
partner, gets the partners' default for itself; the services and the admin get theirs, unthrottled.

The flood is sent by two throwaway principals on a throwaway topic, made and removed here, so no
partner topic gets records that later tests would read."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from aiokafka import AIOKafkaProducer
from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, NewTopic,
                         ResourcePattern, ResourcePatternFilter, ResourceType, ScramMechanism,
                         UserScramCredentialUpsertion)

from vroeg_devtools import bus
from vroeg_runtime.kafka_auth import kafka_password

ROOT = Path(__file__).resolve().parents[2]
SECURITY = ROOT / "deploy" / "security.toml"
RECORD = b"x" * 100_000
FLOOD = 160  # records of 100 kB: 16 MB, some 16 seconds' worth at the partners' 1 MiB/s


def _apply_quotas() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vroeg_apply_quotas", ROOT / "deploy" / "local" / "apply_quotas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


quotas = _apply_quotas()


def test_the_broker_holds_the_quotas_of_the_file(platform):
    wanted = quotas.load_quotas(SECURITY, os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin"))
    admin = quotas.admin_client()
    try:
        held = quotas.describe(admin)
    finally:
        admin.close()
    assert held == {user: {key: float(value) for key, value in values.items()} for user, values in wanted.items()}
    # The default (None) is the partners'; the named ones are the services and the admin, no partner.
    assert None in held and {"intake", "matching", "outreach", "consent"} < set(held)


@pytest.fixture
def probes(platform) -> Iterator[tuple[str, list[str]]]:
    """A topic and two principals without a quota of their own (as every partner) that may write it."""
    run = uuid.uuid4().hex[:8]
    topic, principals = f"vroeg.test.quota-probe-{run}", [f"quota-probe-{run}-{n}" for n in (1, 2)]
    admin = quotas.admin_client()
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        admin.alter_user_scram_credentials([UserScramCredentialUpsertion(p, ScramMechanism.SCRAM_SHA_512,
                                                                         kafka_password(p)) for p in principals])
        admin.create_acls([ACL(f"User:{p}", "*", ACLOperation.WRITE, ACLPermissionType.ALLOW,
                               ResourcePattern(ResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL))
                           for p in principals])
        yield topic, principals
    finally:
        admin.delete_acls([ACLFilter(None, None, ACLOperation.ANY, ACLPermissionType.ANY,
                                     ResourcePatternFilter(ResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL))])
        # Overwritten, not deleted: a broker restarted after a SCRAM credential deletion refuses every
        # SCRAM login (apply_security.revoke says more), and the fault suite restarts this one.
        admin.alter_user_scram_credentials([UserScramCredentialUpsertion(p, ScramMechanism.SCRAM_SHA_512,
                                                                         secrets.token_urlsafe(32))
                                            for p in principals])
        admin.delete_topics([topic])
        admin.close()


async def _flood(principal: str | None, topic: str) -> float:
    """Seconds to send FLOOD records of RECORD as `principal` (None: the admin), each acknowledged."""
    producer = AIOKafkaProducer(**bus.client_options(principal), acks="all", max_batch_size=1_000_000,
                                max_request_size=1_048_576, request_timeout_ms=120_000)
    await producer.start()
    try:
        started = time.monotonic()
        await asyncio.gather(*[await producer.send(topic, RECORD) for _ in range(FLOOD)])
        return time.monotonic() - started
    finally:
        await producer.stop()


async def _send_one(principal: str, topic: str) -> float:
    """Seconds from connecting as `principal` to one small record acknowledged."""
    started = time.monotonic()
    producer = AIOKafkaProducer(**bus.client_options(principal), acks="all", request_timeout_ms=30_000)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}")
        return time.monotonic() - started
    finally:
        await producer.stop()


async def test_a_flooding_partner_is_throttled_while_another_and_the_services_are_not(probes):
    topic, (flooder, bystander) = probes
    flooding = asyncio.create_task(_flood(flooder, topic))
    await asyncio.sleep(3)  # well into the flood: its rate is over the quota by now
    assert not flooding.done(), "16 MB went through in 3 s: the partner was not throttled"
    bystander_seconds = await _send_one(bystander, topic)
    flooder_seconds = await flooding
    admin_seconds = await _flood(None, topic)  # the same 16 MB as the admin, who has the services' quota
    print(f"\n16 MB as a partner: {flooder_seconds:.1f} s; as the admin: {admin_seconds:.1f} s;"
          f" one record as another partner during the flood: {bystander_seconds:.2f} s")
    assert flooder_seconds > 8, flooder_seconds  # 16 MB at 1 MiB/s, give or take the quota's window
    assert bystander_seconds < 2 and admin_seconds < 4, (bystander_seconds, admin_seconds)
