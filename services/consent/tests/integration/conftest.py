"""Fixtures for consent's integration tests: one consent process for the session (with staff tokens of
its own, for Ouder-Amstel, Amstelveen and both), a pool on its database, and helpers to make pseudonyms
and share requests like the others do."""

from __future__ import annotations

import json
import random
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from consent.adapters.staff_directory import token_hash
from consent.config import SERVICE_DIR
from consent.domain.staff import Role
from vroeg_contracts import privacy
from vroeg_contracts.envelope import Envelope
from vroeg_contracts.events import DataShareRequested
from vroeg_contracts.keys import KeyFolder
from vroeg_devtools.stack import ServiceProcess
from vroeg_devtools.synthetic import valid_bsn
from vroeg_runtime.migrations import migrate

MUNICIPALITY, AMSTELVEEN = "0437", "0362"

# The test staff, by name: one member per role for Ouder-Amstel (named by the role alone), and members
# for Amstelveen and for the region of both.
STAFF: dict[str, tuple[Role, tuple[str, ...]]] = {
    **{role.value: (role, (MUNICIPALITY,)) for role in Role},
    "caseworker-0362": (Role.CASEWORKER, (AMSTELVEEN,)),
    "supervisor-0362": (Role.SUPERVISOR, (AMSTELVEEN,)),
    "supervisor-region": (Role.SUPERVISOR, (MUNICIPALITY, AMSTELVEEN)),
}


@pytest.fixture(scope="session")
def tokens() -> dict[str, str]:
    """A fresh random token per member of staff, so the tests never lean on the development tokens."""
    return {name: secrets.token_urlsafe(24) for name in STAFF}


@pytest.fixture(scope="session")
def staff_file(tokens: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("consent") / "staff.toml"
    path.write_text("".join(  # a JSON list of strings is a TOML array too
        f'[[staff]]\nid = "test-{name}"\nrole = "{role}"\nmunicipalities = {json.dumps(municipalities)}\n'
        f'token_sha256 = "{token_hash(tokens[name])}"\n' for name, (role, municipalities) in STAFF.items()))
    return path


@pytest.fixture(scope="module")
def consent_process(platform, staff_file: Path) -> Iterator[ServiceProcess]:
    # Per module, not per session: a consent left running would join the consumer groups of the
    # consent processes that later tests start.
    process = ServiceProcess("consent", {"CONSENT_STAFF_FILE": str(staff_file),
                                         "CONSENT_RETENTION_SWEEP_INTERVAL": "P1D"}).start()
    try:
        yield process.wait_ready()
    finally:
        process.stop()


@pytest.fixture
async def api(consent_process: ServiceProcess, tokens: dict[str, str]) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=consent_process.url, timeout=30) as client:
        yield Api(client, tokens)


class Api:
    """The consent API, called as a member of staff (a name in STAFF; a role names Ouder-Amstel's
    member with that role; None: without a token)."""

    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    async def call(self, member: str | None, method: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[member]}"} if member else {}
        return await self.client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
async def consent_db(platform) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(platform.database_urls["consent"], min_size=1, max_size=4)
    async with pool.acquire() as conn:
        await migrate(conn, "consent", SERVICE_DIR / "migrations")
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture(scope="session")
def secret(platform) -> bytes:
    return KeyFolder(platform.keys_dir).municipality_secret(MUNICIPALITY)


@pytest.fixture
def person(secret: bytes) -> Person:
    return Person(secret)


@pytest.fixture
def other_person(secret: bytes) -> Person:
    return Person(secret)


@pytest.fixture
def amstelveen_person(platform) -> Person:
    return Person(KeyFolder(platform.keys_dir).municipality_secret(AMSTELVEEN), AMSTELVEEN)


class Person:
    """A synthetic resident of a municipality: a BSN, their pseudonym, and a household pseudonym of their own."""

    def __init__(self, secret: bytes, municipality_code: str = MUNICIPALITY) -> None:
        self.municipality_code = municipality_code
        rng = random.Random()
        self.bsn = valid_bsn(rng)
        self.person_key = privacy.person_key(secret, self.bsn)
        self.postcode, self.house_number = f"{rng.randint(1000, 9999)}XY", rng.randint(1, 99999)
        self.household_key = privacy.household_key(secret, self.postcode, self.house_number)

    def share_request(self, *, categories: list[str], recipient: str = "schuldhulp-amstelland",
                      purpose: str = "referral") -> Envelope[DataShareRequested]:
        payload = DataShareRequested(request_id=uuid.uuid4(), person_key=self.person_key, requester="outreach",
                                     recipient=recipient, purpose=purpose, data_categories=categories)
        return Envelope.wrap(payload, producer="outreach", municipality_code=self.municipality_code,
                             household_key=self.household_key, correlation_id=uuid.uuid4())


@pytest.fixture(scope="module")
def consent_schema(consent_process: ServiceProcess):
    """Consent's OpenAPI document, as the running service serves it, for schemathesis."""
    import schemathesis

    return schemathesis.openapi.from_url(f"{consent_process.url}/openapi.json")
