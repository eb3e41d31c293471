"""A policy file changed under a running matching: a wrong edit is refused and the policy in force
stays; a right one decides the next report, whose decision records the new version, and the
history shows it."""

import hashlib
import os
import shutil
from pathlib import Path

import httpx

from matching.config import SERVICE_DIR

from .conftest import TOKEN, eventually, logged, matching_stack

SINGLE_LETTER = "single: one category open within 90 days (rent) -> letter_only"


def version_of(path: Path) -> str:
    return f"0437:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def replace(path: Path, text: str) -> None:
    """Write the file at once (as `mv` does), so the reload never reads half of it."""
    draft = path.with_suffix(".draft")  # not *.toml: never read as a policy
    draft.write_text(text)
    os.replace(draft, path)


async def test_a_changed_policy_decides_the_next_report_and_its_version_is_in_the_history(
        platform, tmp_path, db, publish, household, handled):
    directory = tmp_path / "policies"
    directory.mkdir()
    path = directory / "0437-ouder-amstel.toml"
    shutil.copy(SERVICE_DIR / "policies" / "0437-ouder-amstel.toml", path)
    original, first = path.read_text(), version_of(path)
    stack = matching_stack(tmp_path, MATCHING_POLICY_DIR=str(directory), MATCHING_POLICY_RELOAD_SECONDS="0.5")
    process = stack["matching"]
    try:
        before = household().report("eigen-haard", days_ago=3)
        await publish(before)
        assert [(d["rule"], d["policy_version"]) for d in await handled(before)] == [(SINGLE_LETTER, first)]

        # A wrong edit: refused and logged with the file, the option and the reason; the policy stays.
        replace(path, original.replace('single = "letter_only"', 'single = "ignore"'))
        refused = await eventually(lambda: logged(process, "policy_refused"), what="the wrong file refused")
        assert refused[0]["problem"].startswith(f"{path}: single: may not be 'ignore': the Wgs obliges")
        during = household().report("eigen-haard", days_ago=3)
        await publish(during)
        assert [(d["rule"], d["policy_version"]) for d in await handled(during)] == [(SINGLE_LETTER, first)]

        # The municipality decides: one category gets a call too, and signals count for 60 days.
        replace(path, original.replace('single = "letter_only"', 'single = "letter_and_call"')
                              .replace('window = "P90D"', 'window = "P60D"'))
        second = version_of(path)
        await eventually(lambda: logged(process, "policy_reloaded", municipality_code="0437"),
                         what="the changed file reloaded")
        after = household().report("eigen-haard", days_ago=3)
        await publish(after)
        decided = await handled(after)
        assert second != first
        assert [(d["rule"], d["policy_version"]) for d in decided] == [
            ("single: one category open within 60 days (rent) -> letter_and_call", second)]

        async with httpx.AsyncClient(timeout=30) as client:
            async def history(envelope):
                response = await client.get(f"{process.url}/v1/households/{envelope.household_key}/decisions",
                                            headers={"Authorization": f"Bearer {TOKEN['caseworker']}"})
                assert response.status_code == 200, response.text
                return response.json()["decisions"]

            now_decided, = await history(after)
            assert now_decided["policy_version"] == now_decided["inputs"]["policy_version"] == second
            assert now_decided["inputs"]["policy"]["single"] == "letter_and_call"
            assert [d["policy_version"] for d in await history(before)] == [first]  # earlier decisions keep theirs
    finally:
        stack.stop()
