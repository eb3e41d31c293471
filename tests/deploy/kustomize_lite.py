"""Render a Kustomize overlay in Python, for the offline checks of deploy/k8s.

It understands exactly the features deploy/k8s uses: `resources` (files and directories),
`namespace`, `labels` (metadata only), `images` and JSON 6902 `patches` with a target. Anything
else in a kustomization is an error, so the manifests cannot quietly outgrow this renderer.
test_k8s.py compares its output with `kubectl kustomize` where kubectl is installed.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

KNOWN_FIELDS = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}

Resource = dict[str, Any]


def render(directory: Path) -> list[Resource]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - KNOWN_FIELDS
    if unknown:
        raise ValueError(f"{directory}: kustomization fields this renderer does not know: {sorted(unknown)}")
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            resources.extend(render(path))
        else:
            resources.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    for patch in kustomization.get("patches", []):
        operations = yaml.safe_load(patch["patch"])
        targets = [r for r in resources if _targeted(r, patch["target"])]
        if not targets:
            raise ValueError(f"{directory}: a patch matches nothing: {patch['target']}")
        for resource in targets:
            for operation in operations:
                _apply(resource, operation)
    for image in kustomization.get("images", []):
        for resource in resources:
            for container in _containers(resource):
                if container["image"].split(":")[0] == image["name"]:
                    container["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    for label_set in kustomization.get("labels", []):
        if label_set.get("includeSelectors") or label_set.get("includeTemplates"):
            raise ValueError(f"{directory}: labels on selectors or templates are not supported here")
        for resource in resources:
            resource["metadata"].setdefault("labels", {}).update(label_set["pairs"])
    if "namespace" in kustomization:
        for resource in resources:
            resource["metadata"]["namespace"] = kustomization["namespace"]
    return resources


def _targeted(resource: Resource, target: dict[str, str]) -> bool:
    unknown = set(target) - {"kind", "name"}
    if unknown:
        raise ValueError(f"patch target fields this renderer does not know: {sorted(unknown)}")
    return all(value == (resource["kind"] if key == "kind" else resource["metadata"]["name"])
               for key, value in target.items())


def _apply(resource: Resource, operation: dict[str, Any]) -> None:
    """One JSON Patch (RFC 6902) operation: add, replace or remove."""
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].lstrip("/").split("/")]
    node: Any = resource
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    value = copy.deepcopy(operation.get("value"))
    match operation["op"], node:
        case "add", list():
            node.insert(len(node) if last == "-" else int(last), value)
        case "add", dict():
            node[last] = value
        case "replace", list():
            node[int(last)] = value
        case "replace", dict():
            if last not in node:
                raise KeyError(f"replace: {operation['path']} does not exist")
            node[last] = value
        case "remove", list():
            del node[int(last)]
        case "remove", dict():
            del node[last]
        case other, _:
            raise ValueError(f"JSON patch operation {other!r} is not supported here")


def _containers(resource: Resource) -> list[dict[str, Any]]:
    pod = resource.get("spec", {}).get("template", {}).get("spec", {})
    return [*pod.get("initContainers", []), *pod.get("containers", [])]
