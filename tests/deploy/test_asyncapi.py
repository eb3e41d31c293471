"""Each service's AsyncAPI document in docs/asyncapi is current (regenerate with
`python -m vroeg_devtools.asyncapi --write`), complete and self-consistent."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from vroeg_contracts.schemas import contracts_for_topic
from vroeg_devtools import asyncapi

ROOT = Path(__file__).resolve().parents[2]


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vroeg_devtools.asyncapi", "--check", *args],
                          capture_output=True, text=True, timeout=300)


def test_the_committed_documents_are_current():
    result = _check()
    assert result.returncode == 0, result.stderr


def test_a_stale_document_is_reported(tmp_path):
    shutil.copy(asyncapi.DOCS_DIR / "consent.yaml", tmp_path / "consent.yaml")
    document = tmp_path / "consent.yaml"
    document.write_text(document.read_text().replace("version: ", "version: 9", 1))
    result = _check("--dir", str(tmp_path), "consent")
    assert result.returncode == 1 and "STALE" in result.stderr


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document, ref):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("%7B", "{").replace("%7D", "}")]
    return node


@pytest.mark.parametrize("service", asyncapi.SERVICES)
def test_every_reference_resolves_and_every_contract_topic_has_its_payload(service):
    document = yaml.safe_load((asyncapi.DOCS_DIR / f"{service}.yaml").read_text())
    assert document["asyncapi"].startswith("3.") and document["info"]["title"] == f"Vroeg {service}"
    for ref in _refs(document):
        _resolve(document, ref)  # raises KeyError when it points nowhere
    messages = document["components"]["messages"]
    for channel in document["channels"].values():
        if not contracts_for_topic(channel["address"]):
            continue
        for reference in channel["messages"].values():
            payload = _resolve(document, reference["$ref"])["payload"]
            assert "$ref" in payload or "oneOf" in payload, f"{channel['address']}: payload is not the contract"
    assert messages
    sends = {document["channels"][op["channel"]["$ref"].rsplit("/", 1)[1].replace("%7B", "{").replace("%7D", "}")]["address"]
             for op in document["operations"].values() if op["action"] == "send"}
    assert f"vroeg.{service}.dead-letters.v1" in sends
