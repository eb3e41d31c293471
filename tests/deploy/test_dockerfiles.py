"""The service images, checked without a Docker engine: each Dockerfile is multi-stage, runs as a
non-root user with a health check on /health/live and the service's console script; its build
context holds contracts/, runtime/ and its own folder only; and everything the code imports is in
the locked, non-dev dependencies that the image installs."""

import ast
import importlib.metadata
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"intake": 8101, "matching": 8102, "outreach": 8103, "consent": 8104}
WORKSPACE_PACKAGES = {"vroeg_contracts", "vroeg_runtime", *SERVICES}


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(line for line in dockerfile.read_text().splitlines()
                                            if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip() if " " in line.strip() else "")
            for line in text.splitlines() if line.strip()]


def stages(dockerfile: Path) -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions(dockerfile):
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_is_multi_stage_slim_and_runs_the_service_as_non_root(service):
    dockerfile = ROOT / "services" / service / "Dockerfile"
    *build_stages, final = stages(dockerfile)
    port = SERVICES[service]
    assert build_stages, "a builder stage keeps build tools out of the image"
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.11-slim", dockerfile.read_text())
    assert final[0] == ("FROM", "${PYTHON_IMAGE} AS runtime")
    final_args = {}
    for instruction, arguments in final:
        final_args.setdefault(instruction, []).append(arguments)

    (user,) = final_args["USER"]
    assert user.split(":")[0] not in ("root", "0")
    (healthcheck,) = final_args["HEALTHCHECK"]
    assert "/health/live" in healthcheck and f"{service.upper()}_HTTP_PORT" in healthcheck
    assert f"{service.upper()}_HTTP_PORT={port}" in " ".join(final_args["ENV"])
    assert "VROEG_HTTP_HOST=0.0.0.0" in " ".join(final_args["ENV"])
    assert final_args["EXPOSE"] == [str(port)]

    scripts = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())["project"]["scripts"]
    assert final_args["ENTRYPOINT"] == [f'["vroeg-{service}"]'] and f"vroeg-{service}" in scripts
    # The runtime stage takes only what the builder made: no sources, no build tools of its own.
    assert all(a.startswith("--from=builder ") for a in final_args["COPY"])


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_is_built_from_contracts_runtime_and_its_own_folder(service):
    allowed = ("pyproject.toml", "uv.lock", "contracts/", "runtime/", f"services/{service}/")
    for stage in stages(ROOT / "services" / service / "Dockerfile"):
        for instruction, arguments in stage:
            if instruction in ("COPY", "ADD") and not arguments.startswith("--from="):
                *sources, _target = arguments.split()
                assert all(s.startswith(allowed) for s in sources), arguments


def _ignored(patterns: list[str], path: str) -> bool:
    """Docker's rule: the last pattern that matches the path, or one of its parent folders, wins."""
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        body = pattern.lstrip("!").rstrip("/")
        regex = re.escape(body).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        if re.fullmatch(f"{regex}(?:/.*)?", path):
            ignored = not negated
    return ignored


# Large folders that are not walked (checked apart: the ignore file must leave them out).
UNWALKED = (".git", ".venv", ".vroeg", ".hypothesis", ".ruff_cache", "__pycache__")


def _patterns(service: str) -> list[str]:
    ignore_file = ROOT / "services" / service / "Dockerfile.dockerignore"
    return [line.strip() for line in ignore_file.read_text().splitlines() if line.strip() and not line.startswith("#")]


def _context(service: str) -> set[str]:
    patterns = _patterns(service)
    for folder in UNWALKED:
        assert _ignored(patterns, f"{folder}/x"), f"{folder}/ must stay out of the build context"
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in UNWALKED]
        files.extend((Path(folder) / n).relative_to(ROOT).as_posix() for n in names)
    return {p for p in files if not _ignored(patterns, p)}


@pytest.mark.parametrize("service", SERVICES)
def test_the_build_context_holds_only_what_the_image_needs(service):
    context = _context(service)
    others = [s for s in SERVICES if s != service]
    assert {"uv.lock", "pyproject.toml", "contracts/pyproject.toml", "runtime/pyproject.toml",
            f"services/{service}/pyproject.toml"} <= context
    assert any(p.startswith(f"services/{service}/migrations/") for p in context)
    assert any(p.startswith("runtime/src/vroeg_runtime/migrations/") for p in context)
    for path in context:
        assert not path.startswith(tuple(f"services/{o}/" for o in others)), path
        assert not path.startswith(("devtools/", "docs/", "tests/", "deploy/", "contracts/tests/", "runtime/tests/"))
        assert "/tests/" not in path and "__pycache__" not in path, path


def _locked_closure(package: str) -> set[str]:
    """The distributions `uv sync --no-dev --package <package>` installs, read from uv.lock."""
    lock = {p["name"]: p for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    seen: set[str] = set()
    pending = [(package, ())]
    while pending:
        name, extras = pending.pop()
        entry = lock[name]
        wanted = [*entry.get("dependencies", []),
                  *(d for extra in extras for d in entry.get("optional-dependencies", {}).get(extra, []))]
        if name not in seen or extras:
            seen.add(name)
            pending.extend((d["name"], tuple(d.get("extra", ()))) for d in wanted
                           if d["name"] not in seen or d.get("extra"))
    return seen


def _imported_top_levels(folder: Path) -> set[str]:
    names = set()
    for source in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - WORKSPACE_PACKAGES


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_installs_everything_the_code_imports(service):
    installed = _locked_closure(f"vroeg-{service}")
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for folder in (ROOT / "services" / service / "src", ROOT / "runtime" / "src", ROOT / "contracts" / "src"):
        for module in _imported_top_levels(folder):
            providers = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(module, [module])}
            if not providers & installed:
                missing[module] = sorted(providers)
    assert not missing, (f"imported by {service} but not among its locked dependencies (add them to the "
                         f"pyproject.toml that imports them, then `uv lock`): {missing}")
