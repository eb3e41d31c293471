"""Each service's AsyncAPI document, generated from its FastStream broker and the contracts.

    python -m vroeg_devtools.asyncapi --write [SERVICE ...]   # docs/asyncapi/<service>.yaml
    python -m vroeg_devtools.asyncapi --check [SERVICE ...]   # exit 1 if a document is stale

What a service receives is read from its code: the service is built with its own
`bootstrap.build()` (never started) and FastStream's generator lists the broker's subscribers. What
it sends goes through the outbox rather than FastStream publishers, so it is declared here from the
topic names: `vroeg.<service>.…` is written by that service, and SHARED_TOPICS says who writes the
rest. The payload of every channel is the contract for its topic (vroeg_contracts.schemas): the
durable consumer takes raw bytes, so FastStream cannot see it in the handler's signature.

Each service is built in a process of its own with a fixed environment, so the document does not
depend on the machine that generates it, and services do not share process-wide state (tracing,
logging).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import importlib
import os
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from vroeg_contracts import topics
from vroeg_contracts.keys import ensure_dev_keys
from vroeg_runtime.service import ServiceRuntime
from vroeg_contracts.schemas import contracts, contracts_for_topic

SERVICES = ("intake", "matching", "outreach", "consent")
DOCS_DIR = Path(__file__).resolve().parents[3] / "docs" / "asyncapi"
# The broker address shown in the documents: the compose stack's (deploy/compose).
DOCUMENTED_BOOTSTRAP = "kafka:9092"

# Topics whose name does not say who writes them.
SHARED_TOPICS = {
    "partner.{partner_id}.rejections.v1": ("intake",),  # intake answers what it cannot accept
    "partner.{partner_id}.feedback.v1": ("outreach",),  # outreach knows whether a report was picked up
    topics.ERASURE_COMPLETED: SERVICES,  # every service confirms its own erasure
}

DEAD_LETTER = {
    "type": "string",
    "format": "binary",
    "description": "The failed message's bytes as received; empty for intake, whose input is a partner report "
                   "with personal data in clear (the headers point at the record instead). Replay: "
                   "docs/operations.md.",
}
DEAD_LETTER_HEADERS = {
    "type": "object",
    "properties": {
        "original.topic": {"type": "string"},
        "original.partition": {"type": "string"},
        "original.offset": {"type": "string"},
        "original.event_id": {"type": "string"},
        "original.event_type": {"type": "string"},
        "original.correlation_id": {"type": "string"},
        "error": {"type": "string", "description": "The error, never the input (it may hold personal data)."},
        "attempts": {"type": "string"},
        "service": {"type": "string"},
    },
}


def published_topics(service: str) -> list[str]:
    owned = {c.topic for c in contracts() if c.topic.startswith(f"vroeg.{service}.")}
    shared = {topic for topic, writers in SHARED_TOPICS.items() if service in writers}
    return sorted(owned | shared | {topics.dead_letters(service)})


def build_document(service: str) -> dict[str, Any]:
    """Build the service (in this process) and return its AsyncAPI document."""
    from faststream.specification import AsyncAPI

    package = importlib.import_module(service)
    with _capturing_runtimes() as runtimes:
        importlib.import_module(f"{service}.bootstrap").build()
    if len(runtimes) != 1:
        raise RuntimeError(f"{service}.bootstrap.build() made {len(runtimes)} service runtimes, expected one")
    broker = runtimes[0].broker
    for topic in published_topics(service):
        # Documentation only: the outbox relay publishes with its own aiokafka producer, not through these.
        broker.publisher(topic, title=topic, description=_describe(topic))
    spec = AsyncAPI(broker, title=f"Vroeg {service}", version=package.__version__,
                    description=" ".join((package.__doc__ or "").split()), schema_version="3.0.0")
    return _with_contract_payloads(spec.to_specification().to_jsonable())


@contextlib.contextmanager
def _capturing_runtimes() -> Iterator[list[ServiceRuntime]]:
    """Collect the ServiceRuntime that build() makes: services keep it in different places, and
    only its broker matters here."""
    created: list[ServiceRuntime] = []
    original = ServiceRuntime.__post_init__

    def record(runtime: ServiceRuntime) -> None:
        original(runtime)
        created.append(runtime)

    ServiceRuntime.__post_init__ = record  # type: ignore[method-assign]
    try:
        yield created
    finally:
        ServiceRuntime.__post_init__ = original  # type: ignore[method-assign]


def _describe(topic: str) -> str:
    found = contracts_for_topic(topic)
    if found:
        return "Messages: " + ", ".join(c.name for c in found) + "."
    return "Dead letters: what this service could not parse or handle after its retries."


def _with_contract_payloads(document: dict[str, Any]) -> dict[str, Any]:
    """Give every channel whose payload FastStream left empty the schema of its topic's contracts."""
    components = document.setdefault("components", {})
    messages, schemas = components.setdefault("messages", {}), components.setdefault("schemas", {})
    for channel in document.get("channels", {}).values():
        for reference in channel.get("messages", {}).values():
            message = messages[urllib.parse.unquote(reference["$ref"].rsplit("/", 1)[1])]
            if not _is_empty(message.get("payload"), schemas):
                continue  # a typed subscriber: FastStream knows its payload
            if channel["address"].endswith(".dead-letters.v1"):
                # Copies: the same object twice in one document would come out as YAML aliases.
                message["payload"], message["headers"] = copy.deepcopy(DEAD_LETTER), copy.deepcopy(DEAD_LETTER_HEADERS)
                continue
            found = contracts_for_topic(channel["address"])
            if not found:
                continue  # no contract names this topic: FastStream's empty payload stays, and shows it
            refs = [{"$ref": f"#/components/schemas/{c.name}"} for c in found]
            message["payload"] = refs[0] if len(refs) == 1 else {"oneOf": refs}
            for contract in found:
                _add_schema(schemas, contract.name, contract.model_schema("#/components/schemas/{model}"))
    _drop_unreferenced(components)
    return _sorted(document)


def _sorted(document: dict[str, Any]) -> dict[str, Any]:
    """Channels, operations and components in name order: FastStream's order varies between runs."""
    for section in (document, document["components"]):
        for key in ("channels", "operations", "messages", "schemas"):
            if key in section:
                section[key] = dict(sorted(section[key].items()))
    return document


def _is_empty(payload: dict[str, Any] | None, schemas: dict[str, Any]) -> bool:
    if not payload:
        return True
    name = urllib.parse.unquote(payload.get("$ref", "").rsplit("/", 1)[-1])
    return name in schemas and schemas[name] in ({}, {"title": "EmptyPayload", "type": "null"})


def _add_schema(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    for def_name, definition in schema.pop("$defs", {}).items():
        _add_schema(schemas, def_name, definition)
    if schemas.setdefault(name, schema) != schema:
        raise ValueError(f"two contracts define a different schema named {name}")


def _drop_unreferenced(components: dict[str, Any]) -> None:
    """Remove the schemas no message needs any more (FastStream's empty payloads, replaced above)."""
    schemas, needed, pending = components["schemas"], set(), [components["messages"]]
    while pending:
        for name in _references(pending.pop()) - needed:
            needed.add(name)
            pending.append(schemas.get(name, {}))
    for name in set(schemas) - needed:
        del schemas[name]


def _references(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {urllib.parse.unquote(node["$ref"].rsplit("/", 1)[1])} if "$ref" in node else set()
        return found.union(*(_references(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_references(v) for v in node))
    return set()


def render(document: dict[str, Any]) -> str:
    header = "# Generated by `python -m vroeg_devtools.asyncapi --write`: do not edit.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def generate(service: str) -> str:
    """The service's document, built in a child process with a fixed environment."""
    with tempfile.TemporaryDirectory(prefix="vroeg-asyncapi-") as scratch:
        keys = Path(scratch) / "keys"
        ensure_dev_keys(keys, ["0437"])
        prefixes = ("VROEG_", "OTEL_", *(f"{s.upper()}_" for s in SERVICES))
        env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
        # Building a broker needs a Kafka password; the document never contains it.
        env.update(VROEG_KEYS_DIR=str(keys), VROEG_KAFKA_BOOTSTRAP=DOCUMENTED_BOOTSTRAP, VROEG_LOG_LEVEL="ERROR",
                   VROEG_KAFKA_DEV_PASSWORDS="1",
                   OUTREACH_LETTERS_DIR=str(Path(scratch) / "letters"))
        out = Path(scratch) / f"{service}.yaml"
        subprocess.run([sys.executable, "-m", __spec__.name, "--emit", service, "--out", str(out)],
                       env=env, check=True, cwd=scratch)
        return out.read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="write docs/asyncapi/<service>.yaml")
    action.add_argument("--check", action="store_true", help="exit 1 if a committed document is not current")
    action.add_argument("--emit", metavar="SERVICE", help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, default=DOCS_DIR, help=f"default {DOCS_DIR}")
    parser.add_argument("services", nargs="*", metavar="SERVICE", help=f"default: all of {', '.join(SERVICES)}")
    args = parser.parse_args(argv)
    unknown = set(args.services) - set(SERVICES)
    if unknown:
        parser.error(f"unknown service(s): {', '.join(sorted(unknown))}")

    if args.emit:
        args.out.write_text(render(build_document(args.emit)), encoding="utf-8")
        return 0
    stale = []
    for service in args.services or SERVICES:
        target = args.dir / f"{service}.yaml"
        document = generate(service)
        if args.write:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(document, encoding="utf-8")
            print(f"wrote {target}")
        elif not target.exists() or target.read_text(encoding="utf-8") != document:
            stale.append(service)
            print(f"STALE {target}: run `python -m vroeg_devtools.asyncapi --write {service}`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
