"""Outreach's HTTP API: the team's routes (worklist, cases, attempts, outcomes), the admin's (visits)
and reporting (DDAS, KPIs, the audit log), each behind staff authentication (`auth.py`)."""

from __future__ import annotations

from fastapi import FastAPI

from vroeg_runtime.service import ServiceRuntime

from ...handlers.dependencies import OutreachDependencies
from . import admin, reporting, team


def register(app: FastAPI, runtime: ServiceRuntime, deps: OutreachDependencies) -> None:
    """Add outreach's routes to `app` (the runtime's, with the health endpoints, or a bare one in tests)."""
    for module in (team, admin, reporting):
        app.include_router(module.router(runtime, deps))
