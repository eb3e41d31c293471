"""Fixtures for the offline deployment checks: the Kustomize overlays, rendered in Python."""

import importlib.util
from pathlib import Path
from typing import Any

import pytest

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
OVERLAYS = {"base": K8S / "base", "test": K8S / "overlays" / "test", "production": K8S / "overlays" / "production"}


def _load_renderer() -> Any:
    # Test folders are not packages here (pytest runs with --import-mode=importlib): load by path.
    spec = importlib.util.spec_from_file_location("kustomize_lite", Path(__file__).with_name("kustomize_lite.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def kustomize() -> Any:
    return _load_renderer()


@pytest.fixture(scope="session")
def overlay_dirs() -> dict[str, Path]:
    return OVERLAYS


@pytest.fixture(scope="session")
def rendered(kustomize) -> dict[str, list[dict[str, Any]]]:
    """Every resource of the base and of each overlay, as `kubectl kustomize` would print them."""
    return {name: kustomize.render(path) for name, path in OVERLAYS.items()}
