"""Strimzi `KafkaTopic` resources for Kubernetes, generated from deploy/topics.toml: the one topic
list the local platform uses too (deploy/local/create_topics.py reads it the same way).

    python -m vroeg_devtools.k8s_topics --write   # deploy/k8s/base/kafka-topics.yaml
    python -m vroeg_devtools.k8s_topics --check   # exit 1 if that file is not current

The base keeps the replication factor of topics.toml; the production overlay raises it.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
TOPICS_FILE = ROOT / "deploy" / "topics.toml"
TARGET = ROOT / "deploy" / "k8s" / "base" / "kafka-topics.yaml"
# The Strimzi `Kafka` resource the topics belong to; its topic operator creates them.
KAFKA_CLUSTER = "vroeg"
HEADER = ("# Generated from deploy/topics.toml by `python -m vroeg_devtools.k8s_topics --write`: edit topics.toml,\n"
          "# not this file. Needs Strimzi 0.49 or later (KafkaTopic kafka.strimzi.io/v1).\n")


def _create_topics() -> ModuleType:
    # deploy/local is not a package: load the script by path, as its docstring invites.
    spec = importlib.util.spec_from_file_location("vroeg_create_topics", ROOT / "deploy" / "local" / "create_topics.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH_PREFIX = "vroeg.bench."


def kafka_topics(topics_file: Path = TOPICS_FILE) -> list[dict[str, Any]]:
    resources = []
    for topic in _create_topics().load_topics(topics_file):
        if topic.name.startswith(BENCH_PREFIX):
            continue  # `make bench` runs on the local platform only; a cluster has no use for them
        # Every name in topics.toml is lower case with dots and dashes, so it is a valid resource
        # name and spec.topicName is not needed (Strimzi recommends leaving it out then).
        resources.append({
            "apiVersion": "kafka.strimzi.io/v1",
            "kind": "KafkaTopic",
            "metadata": {"name": topic.name,
                         "labels": {"strimzi.io/cluster": KAFKA_CLUSTER, "app.kubernetes.io/component": "kafka-topic"}},
            "spec": {"partitions": topic.partitions, "replicas": topic.replication_factor,
                     "config": {"retention.ms": topic.retention_ms}},
        })
    return resources


def render(resources: list[dict[str, Any]]) -> str:
    return HEADER + yaml.safe_dump_all(resources, sort_keys=False, explicit_start=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write {TARGET.relative_to(ROOT)}")
    action.add_argument("--check", action="store_true", help="exit 1 if the committed file is not current")
    parser.add_argument("--topics-file", type=Path, default=TOPICS_FILE)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)

    text = render(kafka_topics(args.topics_file))
    if args.write:
        args.target.write_text(text, encoding="utf-8")
        print(f"wrote {args.target}")
        return 0
    if not args.target.exists() or args.target.read_text(encoding="utf-8") != text:
        print(f"STALE {args.target}: run `python -m vroeg_devtools.k8s_topics --write`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
