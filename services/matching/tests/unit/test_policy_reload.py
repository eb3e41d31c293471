"""Policies reloaded while matching runs: a changed file takes effect with its new version, a wrong
one is refused (and logged) while the policy in force stays, and a new municipality's file is taken."""

import hashlib
import shutil
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from matching.adapters.policy_book import PolicyBook
from matching.adapters.policy_files import PolicyError
from matching.adapters.staff_directory import load_staff
from matching.config import MatchingSettings
from matching.domain.policy import Action, UnknownMunicipality
from matching.entrypoints import loops
from matching.handlers.dependencies import MatchingDependencies
from matching.handlers.reload_policies import reload_policies

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture
def directory(tmp_path) -> Path:
    shutil.copy(POLICIES / "0437-ouder-amstel.toml", tmp_path / "0437-ouder-amstel.toml")
    return tmp_path


def version_of(path: Path, code: str) -> str:
    return f"{code}:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def test_nothing_changed_nothing_reloaded(directory):
    book = PolicyBook.open(directory)
    done = book.reload()
    assert (done.taken, done.refused, done.gone) == ([], [], [])


def test_a_changed_file_takes_effect_with_its_new_version(directory):
    path = directory / "0437-ouder-amstel.toml"
    book = PolicyBook.open(directory)
    assert book.policy_for("0437").version == version_of(path, "0437")
    path.write_text(path.read_text().replace('single = "letter_only"', 'single = "urgent"'))
    with capture_logs() as logs:
        reload_policies(book)
    in_force = book.policy_for("0437")
    assert in_force.policy.single is Action.URGENT and in_force.version == version_of(path, "0437")
    assert [(line["event"], line["policy_version"]) for line in logs] == [("policy_reloaded", in_force.version)]
    assert book.policies()["0437"].single is Action.URGENT  # what the retention sweep reads


def test_a_wrong_file_is_refused_and_logged_and_the_policy_in_force_stays(directory):
    path = directory / "0437-ouder-amstel.toml"
    book = PolicyBook.open(directory)
    before = book.policy_for("0437")
    path.write_text(path.read_text().replace('single = "letter_only"', 'single = "ignore"'))
    with capture_logs() as logs:
        reload_policies(book)
    assert book.policy_for("0437") == before
    refused, = logs
    assert refused["event"] == "policy_refused" and refused["log_level"] == "error"
    assert refused["problem"].startswith(f"{path}: single: may not be 'ignore': the Wgs obliges")
    with capture_logs() as again:
        reload_policies(book)
    assert again == []  # reported once per change, not at every reload


def test_a_fixed_file_is_taken_after_a_refusal(directory):
    path = directory / "0437-ouder-amstel.toml"
    book = PolicyBook.open(directory)
    original = path.read_text()
    path.write_text(original.replace('window = "P90D"', 'window = "soon"'))
    assert book.reload().refused
    path.write_text(original.replace('window = "P90D"', 'window = "P30D"'))
    done = book.reload()
    assert [f.municipality_code for f in done.taken] == ["0437"] and done.refused == []
    assert book.policy_for("0437").policy.window.describe() == "30 days"


def test_a_new_municipalitys_file_is_taken_and_the_others_still_load_beside_a_wrong_one(directory):
    book = PolicyBook.open(directory)
    with pytest.raises(UnknownMunicipality):
        book.policy_for("0362")
    shutil.copy(POLICIES / "0362-amstelveen.toml", directory / "0362-amstelveen.toml")
    (directory / "0363-amsterdam.toml").write_text('municipality_code = "0363"\nname = "Amsterdam"\nwindow = "soon"\n')
    done = book.reload()
    assert [f.municipality_code for f in done.taken] == ["0362"]
    assert done.refused == [f"{directory / '0363-amsterdam.toml'}: window: 'soon' is not an ISO-8601 duration"
                            " (such as P90D, P6M or PT1H)"]
    assert book.policy_for("0362").version == version_of(directory / "0362-amstelveen.toml", "2026-07:0362")
    with pytest.raises(UnknownMunicipality):
        book.policy_for("0363")


def test_a_second_file_for_a_municipality_in_force_is_refused(directory):
    book = PolicyBook.open(directory)
    before = book.policy_for("0437")
    (directory / "0437-copy.toml").write_text('municipality_code = "0437"\nname = "copy"\nsingle = "urgent"\n')
    done = book.reload()
    assert done.refused == [f"{directory / '0437-copy.toml'}: municipality_code: a second policy for 0437"
                            f" (the first is {directory / '0437-ouder-amstel.toml'})"]
    assert book.policy_for("0437") == before


def test_a_removed_file_keeps_its_policy_until_a_restart(directory):
    book = PolicyBook.open(directory)
    (directory / "0437-ouder-amstel.toml").unlink()
    with capture_logs() as logs:
        reload_policies(book)
    assert [(line["event"], line["log_level"]) for line in logs] == [("policy_file_removed", "warning")]
    assert book.policy_for("0437").policy.name == "Ouder-Amstel (default)"


def test_at_start_up_a_wrong_file_stops_everything(directory):
    (directory / "0362-amstelveen.toml").write_text('municipality_code = "0362"\nname = "x"\nsingle = "ignore"\n')
    with pytest.raises(PolicyError, match="0362-amstelveen.toml: single: may not be 'ignore'"):
        PolicyBook.open(directory)


class Runtime:
    """Just what `loops.register` uses of the runtime: the loops it asks for."""

    def __init__(self) -> None:
        self.loops: dict[str, tuple[float, object]] = {}

    def every(self, seconds, work, *, name):
        self.loops[name] = (seconds, work)


async def test_the_reload_loop_runs_every_policy_reload_seconds_and_reads_the_changed_files(directory):
    settings = MatchingSettings(policy_dir=directory, policy_reload_seconds=0.25)
    deps = MatchingDependencies(settings=settings, policies=PolicyBook.open(directory),
                                staff=load_staff(settings.staff_file))
    runtime = Runtime()
    loops.register(runtime, deps)
    seconds, work = runtime.loops["policy-reload"]
    assert seconds == 0.25
    path = directory / "0437-ouder-amstel.toml"
    path.write_text(path.read_text().replace('single = "letter_only"', 'single = "letter_and_call"'))
    await work()
    assert deps.policies.policy_for("0437").policy.single is Action.LETTER_AND_CALL
