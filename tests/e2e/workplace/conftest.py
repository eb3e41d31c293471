"""The team's workplace on the real platform, driven in a real browser: Debian's chromium through
Playwright (`executable_path`; Playwright's own browser download is never used).

One run of the four services for the module: residents reported through intake, matched, written
to, and due for a call or a visit, and staff accounts made with outreach's `staff` command."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from vroeg_contracts import topics
from vroeg_devtools import bus
from vroeg_devtools.pytest_plugin import Residents
from vroeg_devtools.stack import Stack

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "services" / "outreach" / "web" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "een lang demo wachtwoord"
# username: (display name, role, municipalities)
ACCOUNTS = {
    "anna": ("Anna de Vries", "caseworker", ("0437",)),
    "bram": ("Bram Jansen", "caseworker", ("0437",)),
    "sara": ("Sara Bakker", "supervisor", ("0437",)),
    "aad": ("Aad Visser", "auditor", ("0437",)),
    "eva": ("Eva Smit", "caseworker", ("0362",)),  # another municipality: Amstelveen
    "rita": ("Rita Kok", "supervisor", ("0437", "0362")),  # the region's team leader
    "lotte": ("Lotte Mulder", "caseworker", ("0437",)),  # for the lockout
}
# The cases the tests work on, by what they are for: (has a phone, crisis, municipality)
HOUSEHOLDS = {"unreached": (True, False, "0437"), "reached": (True, False, "0437"), "race": (True, False, "0437"),
              "form": (True, False, "0437"), "crisis": (True, True, "0437"), "visit": (False, False, "0437"),
              "nojs": (True, False, "0437"), "amstelveen": (True, False, "0362")}
# Who reports several arrears at once in each municipality (a letter, then a call or a visit).
REPORTERS = {"0437": [("eigen-haard", "rent"), ("vgz", "health_insurance")],
             "0362": [("ymere", "rent"), ("gemeentebelastingen-amstelland", "municipal_tax")]}
# The residents of this module live in one postcode area, and the tests look at today's work
# filtered on it: the platform's database holds other tests' cases too (make test runs them all).
AREA = "9993"
# Expect's patience: a page after a form post, or a step of the platform.
expect.set_options(timeout=20_000)


def chromium() -> str:
    path = os.environ.get("VROEG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium "
                    "(make test installs it through deploy/local/browser.sh)")
    return path


@dataclass
class Workplace:
    url: str
    stack: Stack
    clients: dict[str, dict[str, Any]]
    cases: dict[str, str]  # household name -> case id
    correlations: dict[str, str]  # household name -> correlation id
    signals: dict[str, set[str]]  # household name -> ids of the signals that opened its case
    trace_dir: Path
    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)

    async def page(self, username: str | None = None, *, javascript: bool = True) -> Page:
        """A fresh browser (its own cookies), signed in as `username` unless None."""
        # The pages' Content-Security-Policy allows no inline script; axe-core is injected as one.
        context = await self.browser.new_context(base_url=self.url, bypass_csp=True, java_script_enabled=javascript,
                                                 locale="nl-NL", viewport={"width": 1280, "height": 900})
        self.contexts.append(context)
        page = await context.new_page()
        if username is not None:
            await sign_in(page, username)
        return page


async def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    await page.goto("/werk/aanmelden")
    await page.get_by_label("Gebruikersnaam").fill(username)
    await page.get_by_label("Wachtwoord").fill(password)
    # The sign-in form is a plain post (not boosted): wait for the page it leads to.
    async with page.expect_response(lambda r: r.url.endswith("/werk/aanmelden") and r.request.method == "POST"):
        await page.get_by_role("button", name="Aanmelden").click()
    await page.wait_for_load_state()


def add_accounts() -> None:
    """The accounts, each by its own `staff add` command, a few at once: a command spends seconds
    starting Python and importing outreach, and the migrations it applies first take a lock."""
    def add(username: str) -> None:
        name, role, municipalities = ACCOUNTS[username]
        done = subprocess.run([sys.executable, "-m", "outreach", "staff", "add", username, "--name", name, "--role", role,
                               *(arg for code in municipalities for arg in ("--municipality", code)),
                               "--password-stdin"], input=PASSWORD + "\n", text=True, capture_output=True, timeout=120)
        assert done.returncode == 0, f"staff add {username}: {done.stderr}"

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        list(pool.map(add, ACCOUNTS))  # list(): raises the first command's failure here


@pytest.fixture(scope="module")
async def workplace(platform, tmp_path_factory) -> AsyncIterator[Workplace]:
    base = tmp_path_factory.mktemp("workplace")
    residents = Residents()
    stack = Stack(env={"OUTREACH_LETTERS_DIR": str(base / "letters"), "OUTREACH_CALL_DELAY": "PT2S",
                       "OUTREACH_CRISIS_DELAY": "PT2S", "VROEG_JSON_LOGS": "true",
                       "VROEG_TRACE_DIR": str(base / "traces")}, skip_history=True)
    clients = {name: residents.client(phone=phone, postcode=f"{AREA} ZZ") for name, (phone, *_) in HOUSEHOLDS.items()}
    # Rent and health insurance at once: several arrears, so a letter and then a call (or a visit);
    # a crisis needs one report.
    reports = {(name, partner): residents.report(partner, category, clients[name], crisis=crisis, amount="412.50",
                                                 municipality_code=municipality)
               for name, (_, crisis, municipality) in HOUSEHOLDS.items()
               for partner, category in (REPORTERS[municipality][:1] if crisis else REPORTERS[municipality])}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            stack.start()
            add_accounts()
            await bus.send_reports([(partner, body) for (_, partner), body in reports.items()])
            ids = {body["report_id"]: name for (name, _), body in reports.items()}
            accepted = await bus.read_topic(topics.ARREARS_REPORTED, timeout=90, until=lambda rs: set(ids) <= {
                e["payload"]["report_id"] for e in bus.events(rs)})
            households = {e["household_key"]: ids[e["payload"]["report_id"]] for e in bus.events(accepted)
                          if e["payload"]["report_id"] in ids}

            def opened(records):
                return {households[e["household_key"]]: e for e in bus.events(records, "HouseholdAtRisk")
                        if e["household_key"] in households}

            decisions = await bus.read_topic(topics.MATCHING_DECISIONS, timeout=90,
                                             until=lambda rs: len(opened(rs)) == len(HOUSEHOLDS))
            found = opened(decisions)
            cases = {name: e["payload"]["episode_id"] for name, e in found.items()}
            due = {cases[name]: ("VisitDue" if name == "visit" else "CallDue") for name in HOUSEHOLDS}
            await bus.read_topic(topics.OUTREACH_CASE_EVENTS, timeout=120, until=lambda rs: set(due.items()) <= {
                (e["payload"]["case_id"], e["event_type"]) for e in bus.events(rs, "CallDue", "VisitDue")})
            workplace = Workplace(stack["outreach"].url, stack, clients, cases,
                                  {name: e["correlation_id"] for name, e in found.items()},
                                  {name: {s["signal_id"] for s in e["payload"]["signals"]} for name, e in found.items()},
                                  base / "traces", browser)
            yield workplace
        finally:
            stack.stop()
            await browser.close()
