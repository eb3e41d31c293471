"""The decision history, over the read API (staff tokens, roles, municipalities) and the command."""

import hashlib
import os
import subprocess
import sys

import httpx

from matching.config import SERVICE_DIR

from .conftest import TOKEN, eventually, logged

OUDER_AMSTEL = SERVICE_DIR / "policies" / "0437-ouder-amstel.toml"


def shipped_version() -> str:
    """The version of the shipped Ouder-Amstel policy, from its file (as matching computes it)."""
    return f"0437:{hashlib.sha256(OUDER_AMSTEL.read_bytes()).hexdigest()[:12]}"


def bearer(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN[who]}"}


async def test_staff_read_a_households_decisions_with_their_rules_and_inputs(matching, db, publish, household, handled):
    home = household()
    rent, late = home.report("eigen-haard", days_ago=30), home.report("vgz", days_ago=5, days_in_arrears=20)
    await publish(rent, late)
    await handled(late)
    url = f"{matching['matching'].url}/v1/households/{home.key}/decisions"
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(url, headers=bearer("caseworker"))
        assert response.status_code == 200, response.text
        history = response.json()
        assert history["household_key"] == home.key and history["municipality_code"] == "0437"
        assert [(d["outcome"], d["rule"]) for d in history["decisions"]] == [
            ("HouseholdAtRisk", "single: one category open within 90 days (rent) -> letter_only"),
            ("SignalNotPickedUp", "below threshold: 20 days in arrears, health_insurance needs at least 30")]
        inputs = history["decisions"][1]["inputs"]
        assert inputs["policy"]["name"] == "Ouder-Amstel (default)"
        assert inputs["trigger"] == {"signal_id": str(late.payload.signal_id), "report_status": "open"}
        assert {s["partner_id"] for s in inputs["signals"]} == {"eigen-haard", "vgz"}
        assert history["decisions"][0]["event_id"] and history["decisions"][0]["episode_id"]
        assert {d["policy_version"] for d in history["decisions"]} == {shipped_version()}
        assert inputs["policy_version"] == shipped_version()

        assert (await client.get(url, headers=bearer("auditor"))).status_code == 200
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers={"Authorization": "Bearer not-a-token"})).status_code == 401
        # Another municipality's member gets exactly what a household matching does not know gets.
        refused = await client.get(url, headers=bearer("elsewhere"))
        unknown = await client.get(f"{matching['matching'].url}/v1/households/nobody-{home.key}/decisions",
                                   headers=bearer("auditor"))
        assert (refused.status_code, refused.json()) == (unknown.status_code, unknown.json())
        assert refused.status_code == 404
    reads = await db.fetch("SELECT reader, role, channel, action FROM decision_reads WHERE household_key = $1"
                           " ORDER BY read_id", home.key)
    assert [tuple(r) for r in reads] == [("dev-caseworker", "caseworker", "api", "read"),
                                         ("dev-auditor", "auditor", "api", "read"),
                                         ("elsewhere", "supervisor", "api", "refused:household")]
    await eventually(lambda: logged(matching["matching"], "decision_read_refused", household_key=home.key,
                                    reader="elsewhere"), what="the refusal logged")


async def test_the_history_command_prints_the_decisions(matching, db, publish, household, handled):
    home = household()
    rent = home.report("eigen-haard", days_ago=3)
    await publish(rent)
    await handled(rent)
    command = [sys.executable, "-m", "matching", "history"]
    done = subprocess.run([*command, home.key], capture_output=True, text=True, timeout=60, env=os.environ)
    assert done.returncode == 0, done.stderr
    assert f"Household {home.key} (municipality 0437): 1 decisions" in done.stdout
    assert "HouseholdAtRisk" in done.stdout and "rule:     single: one category open within 90 days (rent)" in done.stdout
    assert "-> Opgepakt  <- this report" in done.stdout
    assert f"policy:   Ouder-Amstel (default), version {shipped_version()}" in done.stdout
    assert await db.fetchval("SELECT channel FROM decision_reads WHERE household_key = $1", home.key) == "cli"
    missing = subprocess.run([*command, f"nobody-{home.key}"], capture_output=True, text=True, timeout=60, env=os.environ)
    assert missing.returncode == 1 and "holds nothing" in missing.stderr
