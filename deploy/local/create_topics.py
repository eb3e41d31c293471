#!/usr/bin/env python3
"""Create the Kafka topics declared in deploy/topics.toml (idempotently).

    python deploy/local/create_topics.py [--bootstrap HOST:PORT] [--topics-file PATH] [--dry-run]

Topics that are missing are created with the declared partitions, replication factor and
retention; topics that already exist are left alone, but a difference from topics.toml (partition
count, retention) is reported as a warning, because Kafka cannot shrink partitions and silently
ignoring an edited retention would be worse. Prints a one-line summary; exits 1 if Kafka reports an
error, 2 if topics.toml is invalid.

The bootstrap server comes from --bootstrap or $VROEG_KAFKA_BOOTSTRAP (set by deploy/local/env.sh).

Tests import `load_topics` and `TopicSpec` from here; importing this module has no side effects and
does not need aiokafka. `python -m intake partners add` loads it too (by path), for `partner_topics`
and `ensure_topics`: a partner onboarded later gets the topics every partner in topics.toml has.
"""

# No `from __future__ import annotations`: with string annotations, @dataclass looks the module
# up in sys.modules, which fails when a test loads this file by path (importlib.util), as it must:
# deploy/local is not a package.
import argparse
import asyncio
import os
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_TOPICS_FILE = Path(__file__).resolve().parent.parent / "topics.toml"

# Kafka's own rule for topic names (kafka.common.internals.Topic).
_TOPIC_NAME = re.compile(r"[A-Za-z0-9._-]{1,249}")

# Keys each table may contain. Unknown keys are an error rather than ignored, so that a typo
# (`partition = 1`) or a setting this script does not apply yet (`cleanup_policy`) is noticed.
_ENTRY_KEYS = {"partitions", "replication_factor", "retention"}
_ALLOWED_KEYS = {
    "defaults": _ENTRY_KEYS,
    "partners": {"ids"},
    "partner_topic": _ENTRY_KEYS | {"template"},
    "topic": _ENTRY_KEYS | {"name"},
}

# ISO-8601 durations with a fixed length: weeks, days and a time part. Years and months are
# rejected: they have no fixed length in milliseconds, and retention is a privacy promise.
_DURATION = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
_MS_PER = {
    "weeks": 604_800_000,
    "days": 86_400_000,
    "hours": 3_600_000,
    "minutes": 60_000,
    "seconds": 1_000,
}


class TopicsFileError(ValueError):
    """topics.toml is malformed or declares something invalid."""


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    retention_ms: int

    @property
    def configs(self) -> dict[str, str]:
        """Topic-level Kafka configs (all values are strings on the wire)."""
        return {"retention.ms": str(self.retention_ms)}


def parse_duration_ms(text: str) -> int:
    """Convert an ISO-8601 duration such as "P14D" or "PT12H" to milliseconds."""
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    # "P" alone, and a "T" with no time after it, match the pattern but are not durations.
    if match is None or not any(match.groupdict().values()) or text.endswith("T"):
        if isinstance(text, str) and re.match(r"P[^T]*[YM]", text):
            raise TopicsFileError(
                f"duration {text!r}: years and months have no fixed length; use days (e.g. P365D)"
            )
        raise TopicsFileError(f"{text!r} is not an ISO-8601 duration like P14D or PT12H")
    ms = round(sum(float(v) * _MS_PER[k] for k, v in match.groupdict().items() if v))
    if ms <= 0:
        raise TopicsFileError(f"duration {text!r} must be longer than zero")
    return ms


def _check_keys(table: dict[str, Any], kind: str, where: str) -> None:
    unknown = set(table) - _ALLOWED_KEYS[kind]
    if unknown:
        raise TopicsFileError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}"
            f" (allowed: {', '.join(sorted(_ALLOWED_KEYS[kind]))})"
        )


def _positive_int(value: Any, key: str, where: str) -> int:
    # bool is an int subclass: `partitions = true` must not become 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TopicsFileError(f"{where}: {key} must be a positive integer, got {value!r}")
    return value


def _spec(name: str, entry: dict[str, Any], defaults: dict[str, Any], where: str) -> TopicSpec:
    if not isinstance(name, str) or not _TOPIC_NAME.fullmatch(name) or name in (".", ".."):
        raise TopicsFileError(f"{where}: {name!r} is not a valid Kafka topic name")
    merged = {**defaults, **entry}
    for key in ("partitions", "replication_factor", "retention"):
        if key not in merged:
            # No implicit Kafka defaults: in particular every topic's retention must be explicit.
            raise TopicsFileError(f"{where}: {key} is not set here nor in [defaults]")
    return TopicSpec(
        name=name,
        partitions=_positive_int(merged["partitions"], "partitions", where),
        replication_factor=_positive_int(merged["replication_factor"], "replication_factor", where),
        retention_ms=_retention_ms(merged["retention"], where),
    )


def _retention_ms(value: Any, where: str) -> int:
    try:
        return parse_duration_ms(value)
    except TopicsFileError as e:
        raise TopicsFileError(f"{where}: retention: {e}") from None


def _array_of_tables(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TopicsFileError(f"{key} must be an array of tables: write [[{key}]], not [{key}]")
    return value


def load_topics(path: str | os.PathLike[str] = DEFAULT_TOPICS_FILE) -> list[TopicSpec]:
    """Read topics.toml and return every topic it declares, partner topics expanded.

    Order: for each partner its partner topics (in template order), then the [[topic]] entries.
    Raises TopicsFileError if the file is invalid (including duplicate topic names).
    """
    path = Path(path)
    doc = _read(path)
    partners = doc.get("partners", {})
    _check_keys(partners, "partners", "[partners]")
    partner_ids = partners.get("ids", [])
    if not isinstance(partner_ids, list) or not all(isinstance(p, str) and p for p in partner_ids):
        raise TopicsFileError("[partners].ids must be a list of non-empty strings")

    specs = _partner_specs(doc, partner_ids)
    defaults = doc.get("defaults", {})
    for i, entry in enumerate(_array_of_tables(doc, "topic")):
        where = f"[[topic]] #{i + 1}"
        _check_keys(entry, "topic", where)
        if "name" not in entry:
            raise TopicsFileError(f"{where}: name is missing")
        fields = {k: v for k, v in entry.items() if k != "name"}
        specs.append(_spec(entry["name"], fields, defaults, f"{where} ({entry['name']})"))

    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise TopicsFileError(f"{path}: topic {spec.name} is declared twice")
        seen.add(spec.name)
    return specs


def partner_topics(partner_id: str, path: str | os.PathLike[str] = DEFAULT_TOPICS_FILE) -> list[TopicSpec]:
    """The topics of one partner, listed in topics.toml or not, as its [[partner_topic]] templates
    and [defaults] make them (for a partner onboarded with `python -m intake partners add`)."""
    return _partner_specs(_read(Path(path)), [partner_id])


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            doc = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise TopicsFileError(f"{path}: {e}") from e
    unknown_tables = set(doc) - set(_ALLOWED_KEYS)
    if unknown_tables:
        raise TopicsFileError(f"{path}: unknown table(s) {', '.join(sorted(unknown_tables))}")
    _check_keys(doc.get("defaults", {}), "defaults", "[defaults]")
    return doc


def _partner_specs(doc: dict[str, Any], partner_ids: list[str]) -> list[TopicSpec]:
    defaults = doc.get("defaults", {})
    specs: list[TopicSpec] = []
    templates = _array_of_tables(doc, "partner_topic")
    for i, entry in enumerate(templates):
        _check_keys(entry, "partner_topic", f"[[partner_topic]] #{i + 1}")
        template = entry.get("template")
        if not isinstance(template, str) or "{partner_id}" not in template:
            raise TopicsFileError(
                f"[[partner_topic]] #{i + 1}: template must contain {{partner_id}}"
            )
    for partner_id in partner_ids:
        for i, entry in enumerate(templates):
            fields = {k: v for k, v in entry.items() if k != "template"}
            name = entry["template"].replace("{partner_id}", partner_id)
            specs.append(
                _spec(name, fields, defaults, f"[[partner_topic]] #{i + 1} ({partner_id})")
            )
    return specs


async def _wait_for_leaders(admin: Any, names: list[str], timeout_s: float) -> None:
    """Wait until every new topic's partitions have a leader.

    CreateTopics returns once the controller has committed the topic; the broker may need a moment
    longer before it serves it. Waiting here means `make up` is followed by working producers
    instead of a burst of UNKNOWN_TOPIC_OR_PARTITION retries.
    """
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        topics = await admin.describe_topics(names)
        ready = all(
            t["error_code"] == 0
            and t["partitions"]
            and all(p["leader"] >= 0 for p in t["partitions"])
            for t in topics
        )
        if ready or asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.2)


async def _drift_warnings(admin: Any, specs: list[TopicSpec]) -> list[str]:
    """Differences between existing topics and their declaration (reported, never changed)."""
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    if not specs:
        return []
    warnings = []
    by_name = {s.name: s for s in specs}
    for topic in await admin.describe_topics(list(by_name)):
        spec = by_name.get(topic["topic"])
        if spec and topic["error_code"] == 0 and len(topic["partitions"]) != spec.partitions:
            warnings.append(
                f"{spec.name} has {len(topic['partitions'])} partitions, topics.toml says "
                f"{spec.partitions} (not changed: partitions can only be added, and that "
                f"reshuffles keys; recreate the topic if this is a dev broker)"
            )
    responses = await admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, s.name, {"retention.ms": None}) for s in specs]
    )
    for response in responses:
        for error_code, _msg, _type, name, entries, *_ in response.resources:
            spec = by_name.get(name)
            if error_code or spec is None:
                continue
            for entry_name, value, *_ in entries:
                if entry_name == "retention.ms" and value != str(spec.retention_ms):
                    warnings.append(
                        f"{name} has retention.ms={value}, topics.toml says {spec.retention_ms} "
                        "(not changed)"
                    )
    return warnings


async def ensure_topics(specs: list[TopicSpec], bootstrap: str, timeout_s: float) -> int:
    """Create the missing topics. Returns the process exit code."""
    # Imported here so that `load_topics` works without aiokafka installed.
    try:
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic
        from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code
    except ImportError as e:
        print(
            f"create_topics: {e}: run this with the project venv's python (make venv)",
            file=sys.stderr,
        )
        return 1

    from vroeg_runtime.kafka_auth import aiokafka_options

    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="vroeg-create-topics",
        request_timeout_ms=int(timeout_s * 1000),
        **aiokafka_options(os.environ.get("VROEG_KAFKA_ADMIN_USER", "admin")),
    )
    try:
        try:
            await asyncio.wait_for(admin.start(), timeout_s)
        except (TimeoutError, KafkaError, OSError) as e:
            print(
                f"create_topics: cannot connect to Kafka at {bootstrap}: {e!r}"
                " (is it running? `make kafka-up`)",
                file=sys.stderr,
            )
            return 1

        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        created: list[str] = []
        errors: list[str] = []
        if missing:
            response = await admin.create_topics(
                [
                    NewTopic(s.name, s.partitions, s.replication_factor, topic_configs=s.configs)
                    for s in missing
                ],
                timeout_ms=int(timeout_s * 1000),
            )
            for topic, code, *rest in response.topic_errors:
                if code == 0:
                    created.append(topic)
                elif code == TopicAlreadyExistsError.errno:
                    pass  # created concurrently by someone else: fine, that is the goal
                else:
                    message = rest[0] if rest and rest[0] else ""
                    errors.append(f"{topic}: {for_code(code).__name__} {message}".rstrip())
        if created:
            await _wait_for_leaders(admin, created, timeout_s)

        for warning in await _drift_warnings(admin, [s for s in specs if s.name in existing]):
            print(f"create_topics: warning: {warning}", file=sys.stderr)
        for error in errors:
            print(f"create_topics: error: {error}", file=sys.stderr)
        print(
            f"topics: {len(specs)} declared, {len(created)} created, "
            f"{len(specs) - len(missing)} already existed, {len(errors)} failed ({bootstrap})"
        )
        return 1 if errors else 0
    except KafkaError as e:
        print(f"create_topics: Kafka error: {e!r}", file=sys.stderr)
        return 1
    finally:
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("VROEG_KAFKA_BOOTSTRAP"),
        help="Kafka bootstrap server(s), default $VROEG_KAFKA_BOOTSTRAP",
    )
    parser.add_argument(
        "--topics-file",
        type=Path,
        default=DEFAULT_TOPICS_FILE,
        help=f"default {DEFAULT_TOPICS_FILE}",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for Kafka (default 30)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the topics that would be ensured, without connecting",
    )
    args = parser.parse_args(argv)

    try:
        specs = load_topics(args.topics_file)
    except (OSError, TopicsFileError) as e:
        print(f"create_topics: {e}", file=sys.stderr)
        return 2

    if args.dry_run:
        for s in specs:
            print(
                f"{s.name}\tpartitions={s.partitions}\treplication_factor={s.replication_factor}"
                f"\tretention.ms={s.retention_ms}"
            )
        return 0
    if not args.bootstrap:
        parser.error("no bootstrap server: pass --bootstrap or source deploy/local/env.sh")
    return asyncio.run(ensure_topics(specs, args.bootstrap, args.timeout))


if __name__ == "__main__":
    sys.exit(main())
