"""The Kafka side of onboarding and disabling a partner (ADR 0016): its three topics, its SCRAM user
and the ACLs (its own, and the services' on its topics), as the platform's admin.

It does this with the platform's own scripts, deploy/local/create_topics.py and apply_security.py
(loaded by path: deploy/local is not a package), from deploy/topics.toml and deploy/security.toml, so
a partner onboarded later gets exactly what a partner listed there gets. It therefore runs where
those files are (a checkout, or VROEG_DEPLOY_DIR), with the admin's credentials
(VROEG_KAFKA_ADMIN_USER and its password) and kafka-python, as apply_security.py does."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from vroeg_runtime.kafka_auth import MissingKafkaPassword, kafka_password

from ..config import SERVICE_DIR

DEPLOY_DIR = SERVICE_DIR.parents[1] / "deploy"


class PlatformUnavailable(RuntimeError):
    """The Kafka side cannot be done from here; the message says why and what to do."""


@dataclass(frozen=True)
class Onboarded:
    topics: list[str]
    acls: int
    # A password made here, because none was set (VROEG_KAFKA_PASSWORD_<ID>) nor derived (development):
    # shown once, for the partner; Kafka keeps only its SCRAM hash.
    new_password: str | None


class KafkaPlatform:
    def __init__(self, deploy_dir: Path | None = None, bootstrap: str | None = None) -> None:
        self.deploy_dir = deploy_dir or Path(os.environ.get("VROEG_DEPLOY_DIR", DEPLOY_DIR))
        self.bootstrap = bootstrap or os.environ.get("VROEG_KAFKA_BOOTSTRAP", "127.0.0.1:19092")

    async def onboard(self, partner_id: str) -> Onboarded:
        """Create the partner's topics (those there already are left alone), its SCRAM user, its ACLs
        and the services' ACLs on its topics. Idempotent: running it again changes nothing."""
        create_topics, security = self._script("create_topics"), self._script("apply_security")
        specs = create_topics.partner_topics(partner_id, self.deploy_dir / "topics.toml")
        if await create_topics.ensure_topics(specs, self.bootstrap, 30.0) != 0:
            raise RuntimeError(f"the topics of {partner_id} could not be created (the reason is printed above)")
        password, made = _password(partner_id)
        grants = security.partner_grants(self.deploy_dir / "security.toml", partner_id)
        _users, acls = await asyncio.to_thread(security.apply, grants, {partner_id: password})
        return Onboarded([spec.name for spec in specs], acls, password if made else None)

    async def revoke(self, partner_id: str) -> int:
        """Delete the partner's SCRAM credential and its own ACLs at once (the services keep theirs on
        its topics: a report still arriving is refused and kept). The number of ACLs deleted."""
        return await asyncio.to_thread(self._script("apply_security").revoke, partner_id)

    def _script(self, name: str) -> ModuleType:
        path = self.deploy_dir / "local" / f"{name}.py"
        if not path.is_file():
            raise PlatformUnavailable(f"{path} is not here: the Kafka side of `partners` runs from a checkout"
                                      " (or set VROEG_DEPLOY_DIR to a copy of deploy/)")
        spec = importlib.util.spec_from_file_location(f"vroeg_deploy_{name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def _password(partner_id: str) -> tuple[str, bool]:
    """The partner's Kafka password as the environment gives it, or a new one (and True)."""
    try:
        return kafka_password(partner_id), False
    except MissingKafkaPassword:
        return secrets.token_urlsafe(32), True
