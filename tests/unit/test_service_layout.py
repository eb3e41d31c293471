"""The rules of docs/architecture/service-layout.md, checked on the source: every service has the
same rooms and nothing else at its root; the domain is pure; no service imports another; entrypoints
do not import each other; adapters do not write the outbox; nothing imports inside a function or
under TYPE_CHECKING; nothing claims an inbox or opens a transaction by hand; and there is no import
circle in any service."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "matching", "outreach", "consent")
ROOMS = {"__init__.py", "__main__.py", "config.py", "bootstrap.py", "domain", "handlers", "adapters", "entrypoints"}
IMPURE = ("vroeg_runtime", "asyncpg", "aiokafka", "faststream", "fastapi", "starlette", "uvicorn", "httpx")
ENTRYPOINT_KINDS = ("kafka", "http", "web", "loops", "cli", "cbs")


@dataclass(frozen=True)
class Import:
    module: str  # the absolute name of what is imported
    line: int
    nested: bool  # inside a function
    type_checking: bool  # under `if TYPE_CHECKING:`


def package_dir(service: str) -> Path:
    return ROOT / "services" / service / "src" / service


def module_name(service: str, path: Path) -> str:
    parts = list(path.relative_to(package_dir(service).parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(service: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = module_name(service, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, nested: bool, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner_nested = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            inner_tc = type_checking or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
            if isinstance(child, ast.Import):
                found.extend(Import(alias.name, child.lineno, nested, type_checking) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                found.append(Import(base, child.lineno, nested, type_checking))
                # `from . import x` imports the module x
                found.extend(Import(f"{base}.{alias.name}", child.lineno, nested, type_checking)
                             for alias in child.names if alias.name != "*")
            visit(child, inner_nested, inner_tc)

    visit(tree, False, False)
    return found


def sources(service: str) -> list[Path]:
    return sorted(package_dir(service).rglob("*.py"))


def room_of(service: str, module: str) -> str | None:
    """`domain`, `handlers`, `adapters`, `entrypoints.<kind>`, `bootstrap`, ... of a module of `service`."""
    parts = module.split(".")
    if parts[0] != service or len(parts) < 2:
        return None
    if parts[1] == "entrypoints":
        return "entrypoints." + parts[2] if len(parts) > 2 else "entrypoints"
    return parts[1]


def violations(service: str) -> list[str]:
    found = []
    others = [s for s in SERVICES if s != service]
    for path in sources(service):
        module = module_name(service, path)
        room = room_of(service, module)
        where = f"{path.relative_to(ROOT)}"
        for imp in imports_of(service, path):
            target_room = room_of(service, imp.module)
            top = imp.module.split(".")[0]
            if imp.nested:
                found.append(f"{where}:{imp.line}: imports {imp.module} inside a function")
            if imp.type_checking:
                found.append(f"{where}:{imp.line}: imports {imp.module} under TYPE_CHECKING")
            if top in others:
                found.append(f"{where}:{imp.line}: imports another service ({imp.module})")
            if room == "domain" and (top in IMPURE or target_room in ("adapters", "handlers", "bootstrap")
                                     or (target_room or "").startswith("entrypoints")):
                found.append(f"{where}:{imp.line}: the domain imports {imp.module}")
            if room == "adapters" and (target_room in ("handlers", "bootstrap")
                                       or (target_room or "").startswith("entrypoints")
                                       or imp.module.startswith("vroeg_runtime.outbox")):
                found.append(f"{where}:{imp.line}: an adapter imports {imp.module}")
            if room == "handlers" and (target_room == "bootstrap" or (target_room or "").startswith("entrypoints")):
                found.append(f"{where}:{imp.line}: a handler imports {imp.module}")
            if (room or "").startswith("entrypoints") and target_room:
                if target_room == "bootstrap" and room != "entrypoints.cli":
                    found.append(f"{where}:{imp.line}: an entrypoint imports the bootstrap")
                if target_room.startswith("entrypoints.") and target_room != room:
                    found.append(f"{where}:{imp.line}: {room} imports another entrypoint ({imp.module})")
            if imp.module.startswith("vroeg_runtime.inbox"):
                found.append(f"{where}:{imp.line}: claims the inbox by hand ({imp.module})")
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if ".transaction()" in line:
                found.append(f"{where}:{number}: opens a transaction by hand (use a unit of work)")
    return found


def cycles(service: str) -> list[list[str]]:
    modules = {module_name(service, p): p for p in sources(service)}
    graph = {m: sorted({i.module if i.module in modules else i.module.rpartition(".")[0]
                        for i in imports_of(service, p)} & modules.keys() - {m})
             for m, p in modules.items()}
    # A package's __init__ is imported with each of its modules; that is not a circle of ours.
    found, state, stack = [], {}, []

    def walk(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = "done"

    for node in graph:
        if node not in state:
            walk(node)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_has_the_same_rooms_and_nothing_else_at_its_root(service):
    present = {p.name for p in package_dir(service).iterdir() if p.name != "__pycache__"}
    assert present - ROOMS == set(), f"{service} has more at its root than the rooms"
    assert {"domain", "handlers", "adapters", "entrypoints", "bootstrap.py"} <= present
    kinds = {p.stem for p in (package_dir(service) / "entrypoints").iterdir() if p.name not in ("__init__.py", "__pycache__")}
    assert kinds <= set(ENTRYPOINT_KINDS), f"{service}'s entrypoints: {sorted(kinds - set(ENTRYPOINT_KINDS))}"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_keeps_the_import_rules(service):
    assert violations(service) == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_has_no_import_circle(service):
    assert cycles(service) == []


def test_the_rules_catch_what_they_forbid(tmp_path, monkeypatch):
    """The checks above would fail on a service that breaks the rules (they are not vacuous)."""
    fake = tmp_path / "services" / "intake" / "src" / "intake"
    for room in ("domain", "handlers", "adapters", "entrypoints"):
        (fake / room).mkdir(parents=True)
        (fake / room / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "bootstrap.py").write_text("from .entrypoints import kafka\n")
    (fake / "domain" / "rules.py").write_text("import asyncpg\nfrom ..adapters import repo\n")
    (fake / "adapters" / "repo.py").write_text("from vroeg_runtime import outbox\n")
    (fake / "entrypoints" / "kafka.py").write_text("from ..bootstrap import x\nfrom . import http\n")
    (fake / "entrypoints" / "http.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..handlers import a\n"
        "def f():\n    import matching\n    return conn.transaction()\n")
    (fake / "stray.py").write_text("")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    found = "\n".join(violations("intake"))
    for expected in ("the domain imports asyncpg", "the domain imports intake.adapters", "an adapter imports vroeg_runtime.outbox",
                     "an entrypoint imports the bootstrap", "entrypoints.kafka imports another entrypoint",
                     "under TYPE_CHECKING", "inside a function", "imports another service", "by hand"):
        assert expected in found
    assert cycles("intake")  # bootstrap -> entrypoints.kafka -> bootstrap
    with pytest.raises(AssertionError):
        test_a_service_has_the_same_rooms_and_nothing_else_at_its_root("intake")
