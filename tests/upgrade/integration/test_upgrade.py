"""Upgrading matching from version N to N+1 on the same database and topics.

N is the released matching: the newest `matching-v*` tag that HEAD contains or, before the first
tag, the commit that added services/matching (VROEG_UPGRADE_FROM=<commit> chooses another). N+1
is the working tree. N's code is taken with `git archive` and run from the repository's venv.

1. N's intake and N's matching run; a report opens a case.
2. N's matching stops. Two more reports arrive; N's intake turns them into ArrearsReported events
   in N's format, which wait on the topic.
3. N+1's migrations run by command (vroeg_devtools.migrate): exactly those N did not have.
4. N+1's matching starts on the same database and consumer group and reads the old events. The
   state carries over: the household whose case N opened is escalated, not given a second case;
   the new household gets its case; nothing is dead-lettered.

Both services work in a schema of their own (search_path in the database URL), so the test starts
from N's empty database whatever earlier tests left in the shared one.
"""

import io
import os
import subprocess
import sys
import tarfile
import uuid
import warnings
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from vroeg_contracts import topics
from vroeg_devtools import bus
from vroeg_devtools.stack import ServiceProcess

ROOT = Path(__file__).resolve().parents[3]
SERVICE = "matching"
SOURCES = ("contracts", "runtime", "services/intake", "services/matching")


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def release_n() -> tuple[str, str]:
    """(commit, why) of version N."""
    if chosen := os.environ.get("VROEG_UPGRADE_FROM"):
        return _git("rev-parse", chosen), f"VROEG_UPGRADE_FROM={chosen}"
    tags = _git("tag", "--list", f"{SERVICE}-v*", "--merged", "HEAD", "--sort=-version:refname").split()
    if tags:
        return _git("rev-parse", f"{tags[0]}^{{commit}}"), f"tag {tags[0]}"
    # Without tags (a clone that did not fetch them): the first commit whose services can talk to
    # today's broker, which authenticates every client (SASL/SCRAM arrived with kafka_auth.py). In a
    # shallow clone the oldest commit present looks as if it added every file: then N is that.
    added = _git("log", "--diff-filter=A", "--format=%H", "--", "runtime/src/vroeg_runtime/kafka_auth.py").split()
    return added[-1], "the first commit with Kafka authentication (no release tag fetched)"


@pytest.fixture(scope="module")
def version_n(tmp_path_factory) -> Path:
    """N's sources, unpacked; the working tree itself when git cannot provide them (said in a warning)."""
    try:
        commit, why = release_n()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, *SOURCES],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError, IndexError) as error:
        warnings.warn(f"upgrade test: no earlier version from git ({error}); N is the working tree, so this "
                      "only proves a restart on the same database and topics", stacklevel=1)
        return ROOT
    target = tmp_path_factory.mktemp("matching-n")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # The "data" filter (no links out, no device files) exists from Python 3.11.4 on.
        tar.extractall(target, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    if commit == _git("rev-parse", "HEAD"):
        warnings.warn("upgrade test: N is HEAD (history too short); N+1 differs only by uncommitted changes",
                      stacklevel=1)
    print(f"upgrade test: N = {commit[:12]} ({why}), N+1 = the working tree")
    return target


def _code_of(version: Path, service: str) -> dict[str, str]:
    """The environment that runs `service` from `version`'s sources (ahead of the venv's own)."""
    if version == ROOT:
        return {}
    paths = [version / "contracts" / "src", version / "runtime" / "src", version / "services" / service / "src"]
    return {"PYTHONPATH": os.pathsep.join(map(str, paths))}


def _migrations(version: Path) -> set[str]:
    runtime = version / "runtime" / "src" / "vroeg_runtime" / "migrations"
    own = version / "services" / SERVICE / "migrations"
    return {f"runtime/{p.stem}" for p in runtime.glob("*.sql")} | {f"{SERVICE}/{p.stem}" for p in own.glob("*.sql")}


@pytest.fixture
async def schemas(platform):
    """A fresh schema in intake's and in matching's database; the URLs that use it."""
    name = f"upgrade_{uuid.uuid4().hex[:10]}"
    urls = {}
    for service in ("intake", SERVICE):
        base = platform.database_urls[service]
        conn = await asyncpg.connect(base)
        try:
            await conn.execute(f'CREATE SCHEMA "{name}"')
        finally:
            await conn.close()
        urls[service] = f"{base}{'&' if '?' in base else '?'}search_path={name}"
    yield urls
    for service in ("intake", SERVICE):
        conn = await asyncpg.connect(platform.database_urls[service])
        try:
            await conn.execute(f'DROP SCHEMA "{name}" CASCADE')
        finally:
            await conn.close()


async def _start_groups_at_the_end(groups: dict[str, list[str]]) -> None:
    """Commit each consumer group's offsets at the end of its topics: what earlier tests left there,
    perhaps in a newer format than N reads, is not this test's input."""
    for group, topic_names in groups.items():
        consumer = AIOKafkaConsumer(**bus.client_options(), group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [TopicPartition(t, p) for t in topic_names
                          for p in await bus._partitions(consumer, t)]  # noqa: SLF001 - the bus's own metadata wait
            consumer.assign(partitions)
            await consumer.commit(await consumer.end_offsets(partitions))
        finally:
            await consumer.stop()


def _decisions_for(records, households):
    return [e for e in bus.events(records) if e["household_key"] in households]


async def _arrears_reported(report_ids):
    records = await bus.read_topic(topics.ARREARS_REPORTED, timeout=90, until=lambda rs: report_ids <= {
        e["payload"]["report_id"] for e in bus.events(rs)})
    return {e["payload"]["report_id"]: e["household_key"] for e in bus.events(records)
            if e["payload"]["report_id"] in report_ids}


async def test_n_plus_one_migrates_and_reads_what_n_left(platform, residents, version_n, schemas):
    partners = ["eigen-haard", "vgz", "waternet"]
    await _start_groups_at_the_end({"vroeg-intake": [topics.partner_reports(p) for p in partners],
                                    "vroeg-matching": [topics.ARREARS_REPORTED]})
    dead_letters_before = len(await bus.read_topic(topics.dead_letters(SERVICE)))
    both, single = residents.client(), residents.client()
    opening = residents.report("eigen-haard", "rent", both, days_ago=3)
    escalating = residents.report("vgz", "health_insurance", both, days_ago=2)
    new_household = residents.report("waternet", "water", single, days_ago=2)

    intake_n = ServiceProcess("intake", {**_code_of(version_n, "intake"), "INTAKE_DATABASE_URL": schemas["intake"]})
    matching_n = ServiceProcess(SERVICE, {**_code_of(version_n, SERVICE), "MATCHING_DATABASE_URL": schemas[SERVICE]})
    matching_n1 = ServiceProcess(SERVICE, {"MATCHING_DATABASE_URL": schemas[SERVICE]})
    try:
        # 1. N opens a case.
        intake_n.start()
        matching_n.start()
        intake_n.wait_ready()
        matching_n.wait_ready()
        await bus.send_reports([("eigen-haard", opening)])
        household = (await _arrears_reported({opening["report_id"]}))[opening["report_id"]]
        decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=90, until=lambda rs: any(
            e["event_type"] == "HouseholdAtRisk" for e in _decisions_for(rs, {household})))
        (case_by_n,) = [e for e in _decisions_for(decisions, {household}) if e["event_type"] == "HouseholdAtRisk"]

        # 2. N stops; N's intake leaves two events in N's format on the topic.
        matching_n.stop()  # SIGTERM: it drains what it is handling
        await bus.send_reports([("vgz", escalating), ("waternet", new_household)])
        households = await _arrears_reported({escalating["report_id"], new_household["report_id"]})
        assert households[escalating["report_id"]] == household
        other = households[new_household["report_id"]]
        intake_n.stop()

        # 3. N+1's migrations, by command, before N+1 starts.
        migrated = subprocess.run([sys.executable, "-m", "vroeg_devtools.migrate", SERVICE, "--database-url",
                                   schemas[SERVICE]], capture_output=True, text=True, timeout=120, check=True).stdout
        applied = {line.strip() for line in migrated.splitlines()[1:]}
        assert applied == _migrations(ROOT) - _migrations(version_n), migrated

        # 4. N+1 reads the old events and carries N's state on.
        matching_n1.start().wait_ready()
        decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=90, settle=2.0, until=lambda rs: (
            any(e["event_type"] == "HouseholdRiskEscalated" for e in _decisions_for(rs, {household}))
            and any(e["event_type"] == "HouseholdAtRisk" for e in _decisions_for(rs, {other}))))
    finally:
        for process in (matching_n1, matching_n, intake_n):
            process.stop()

    ours = _decisions_for(decisions, {household, other})
    at_risk = [e for e in ours if e["event_type"] == "HouseholdAtRisk"]
    assert sorted(e["household_key"] for e in at_risk) == sorted([household, other])  # no second case
    (escalated,) = [e for e in ours if e["event_type"] == "HouseholdRiskEscalated"]
    assert escalated["payload"]["episode_id"] == case_by_n["payload"]["episode_id"]
    assert escalated["payload"]["intensity"] == "multiple"
    assert len(await bus.read_topic(topics.dead_letters(SERVICE))) == dead_letters_before

    conn = await asyncpg.connect(schemas[SERVICE])
    try:
        done = {f"{r['namespace']}/{r['name']}" for r in await conn.fetch("SELECT namespace, name FROM schema_migrations")}
    finally:
        await conn.close()
    assert done == _migrations(ROOT)
