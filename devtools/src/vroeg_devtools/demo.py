"""The demo: a month of synthetic signals in Ouder-Amstel and Amstelveen through all four services on
the real platform. One installation serves both municipalities, each with its own policy, letters,
switches and team; Gemeentebelastingen Amstelland, the health insurers, the energy suppliers and the
national partners (CAK, DUO, Belastingdienst, Toeslagen) report for both.

It starts the services, feeds the reports, waits until every report is answered and every case has
taken its steps, pulls the month's DDAS delivery through the CBS API as CBS would (mutual TLS, a
signed request; the answer's signature checked and the delivery validated against DDAS v1.2) and
checks it holds every signal matching decided on and one case per household at risk (exit 1 if
not), adds demo sign-ins for the team's workplace (outreach's /werk), prints a summary, the
workplace's address and the sign-ins, and leaves the letters in a folder. The platform (Kafka,
PostgreSQL) is started and stopped around it by `make demo` (deploy/local/isolated.sh); with --keep
(`make demo KEEP=1`) everything keeps running, so the workplace can be clicked through.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import httpx

from vroeg_contracts import topics
from vroeg_contracts.partner_report import today_in_amsterdam

from . import bus
from .cbs_client import PullFailed, Pulled, pull
from .stack import ServiceProcess, Stack, free_port
from .synthetic import MUNICIPALITIES, month_of_signals

BAD_REPORTS = [
    # Two reports a partner gets back, with reasons: an impossible postcode, and not JSON at all.
    ("waternet", {"report_id": "bad-postcode", "partner_id": "waternet",
                  "arrears": {"category": "water", "municipality_code": "0437", "signal_date": "2026-01-05",
                              "status": "open", "amount": "80.00", "arrears_since": "2025-11-01"},
                  "client": {"surname": "Test", "street": "Dorpsstraat", "house_number": 1, "postcode": "0000 XX",
                             "city": "Ouderkerk aan de Amstel"}}),
    ("vgz", b"this is not json"),
    # Ymere is registered for Amstelveen only: a report for Ouder-Amstel goes back with the reason.
    ("ymere", {"report_id": "not-our-municipality", "partner_id": "ymere",
               "arrears": {"category": "rent", "municipality_code": "0437", "signal_date": "2026-01-05",
                           "status": "open", "amount": "640.00", "arrears_since": "2025-11-01"},
               "client": {"surname": "Test", "street": "Dorpsstraat", "house_number": 2, "postcode": "1191 BK",
                          "city": "Ouderkerk aan de Amstel"}}),
]
REJECTING_PARTNERS = ("waternet", "vgz", "ymere")

# Sign-ins for the workplace: one account per role, a second caseworker in Ouder-Amstel so that the
# team leader has a colleague to hand a case to, and a caseworker in Amstelveen. The team leader,
# auditor and admin work for the region (both). Demo passwords, for a private platform on this machine only.
REGION = ("0437", "0362")  # Ouder-Amstel, Amstelveen
DEMO_STAFF = (
    # role, username, display name, password, municipalities
    ("caseworker", "demo.medewerker", "Demo Medewerker", "demo-wachtwoord-medewerker", ("0437",)),
    ("caseworker", "demo.medewerker2", "Demo Medewerker Twee", "demo-wachtwoord-medewerker2", ("0437",)),
    ("caseworker", "demo.amstelveen", "Demo Medewerker Amstelveen", "demo-wachtwoord-amstelveen", ("0362",)),
    ("supervisor", "demo.teamleider", "Demo Teamleider", "demo-wachtwoord-teamleider", REGION),
    ("auditor", "demo.auditor", "Demo Auditor", "demo-wachtwoord-auditor", REGION),
    ("admin", "demo.beheer", "Demo Beheerder", "demo-wachtwoord-beheer", REGION),
)


async def run(args: argparse.Namespace) -> int:
    letters_dir = Path(args.letters).resolve()
    shutil.rmtree(letters_dir, ignore_errors=True)  # the folder holds this run's letters only
    # The CBS pull API over mutual TLS, with the development set deploy/local/isolated.sh made.
    cbs_dir = Path(os.environ.get("VROEG_KEYS_DIR", ".vroeg/keys")) / "cbs"
    cbs_port = free_port()
    stack = Stack(env={"OUTREACH_LETTERS_DIR": str(letters_dir), "OUTREACH_CALL_DELAY": args.call_delay,
                       "OUTREACH_CRISIS_DELAY": args.call_delay, "VROEG_JSON_LOGS": "true"},
                  overrides={"outreach": {"OUTREACH_CBS_DIR": str(cbs_dir), "OUTREACH_CBS_PORT": str(cbs_port),
                                          "OUTREACH_CBS_ENABLED": "true"}})
    print(f"Starting intake, matching, outreach and consent (logs in {os.environ.get('VROEG_LOG_DIR', '.vroeg/logs')}) ...")
    started = time.monotonic()
    stack.start()
    try:
        run_id = uuid.uuid4().hex[:8]
        counts = {"0437": args.reports, "0362": args.reports_amstelveen}
        reports = [pair for code, count in counts.items()
                   for pair in month_of_signals(seed=args.seed + int(code), today=today_in_amsterdam(), reports=count,
                                                run=f"demo-{run_id}-{code}", municipality_code=code)]
        sent = await bus.send_reports([*reports, *BAD_REPORTS])
        print(f"Sent {sent} reports from {len({p for p, _ in reports})} partners; waiting for every one to be handled ...")
        report_ids = {body["report_id"] for _, body in reports}
        summary = await wait_and_summarise(report_ids, len(BAD_REPORTS), timeout=args.timeout)
        first_day = min(date.fromisoformat(body["arrears"]["signal_date"]) for _, body in reports)
        cbs_line, cbs_problems = await asyncio.to_thread(
            pull_and_compare, f"https://127.0.0.1:{cbs_port}", cbs_dir, first_day, today_in_amsterdam(), summary)
        workplace = f"{stack['outreach'].url}/werk"
        staff_error = add_demo_staff(stack["outreach"])
    finally:
        if not args.keep:
            stack.stop()
    letters = sorted(letters_dir.rglob("*.pdf"))
    print()
    print("Vroeg demo: a month of signals in Ouder-Amstel and Amstelveen")
    print(f"  reports in              {sent}  (accepted {summary['accepted']}, returned to the partner {summary['rejected']})")
    print(f"  households at risk      {summary['at_risk']}  (escalated later: {summary['escalated']},"
          f" signals that joined an open case later: {summary['joined']})")
    for code, place in MUNICIPALITIES.items():
        print(f"    {place.name:<21} {summary['at_risk_in'][code]} at risk, {summary['letters_in'][code]} letters")
    for status, count in sorted(summary["not_picked_up"].items()):
        print(f"  not picked up           {count}  {status}")
    print(f"  letters sent            {summary['letters']}  (follow-up letters: {summary['follow_ups']})")
    print(f"  calls due               {summary['calls']}")
    print(f"  visits due              {summary['visits']}")
    print(f"  letters on disk         {len(letters)} PDF files in {letters_dir}")
    print(f"  took                    {time.monotonic() - started:.1f} s")
    print()
    print(cbs_line)
    for problem in cbs_problems:
        print(f"  {problem}")
    print()
    if staff_error:
        print(f"The team's workplace ({workplace}) has no demo sign-ins: {staff_error}")
    else:
        print(f"The team's workplace: {workplace}")
        print(sign_in_table())
        if args.keep:
            print("The workplace stays available with these sign-ins while the demo keeps running.")
        else:
            print("The workplace and these sign-ins are gone now that the demo has ended; "
                  "`make demo KEEP=1` leaves them running to click through.")
    if args.keep:
        print("The services keep running (KEEP=1): stop them with `make demo-down`.")
    return 0 if summary["letters"] and summary["calls"] and not staff_error and not cbs_problems else 1


def pull_and_compare(url: str, cbs_dir: Path, start: date, end: date, summary: dict,
                     *, settle: float = 30.0) -> tuple[str, list[str]]:
    """Pull the delivery of [start, end] as CBS would and compare it with what the demo sent: every
    signal intake accepted, exactly once, and one case per household at risk. Outreach may
    still be taking the last decisions in, so a delivery that falls short is pulled again for up to
    `settle` seconds. Returns the summary line and the problems (none when it matches)."""
    deadline = time.monotonic() + settle
    while True:
        try:
            pulled = pull(url, cbs_dir, start, end)
        except (PullFailed, httpx.HTTPError, OSError) as error:
            return f"CBS pull: failed: {type(error).__name__}: {error}", ["the delivery could not be pulled"]
        problems = delivery_differences(pulled, summary)
        if not problems or time.monotonic() > deadline:
            break
        time.sleep(2)
    signals, cases = len(pulled.signal_ids()), len(pulled.cases())
    line = f"CBS pull: {pulled.leveringen} leveringen, {signals} signals, {cases} cases; valid against DDAS v1.2"
    return (line if not problems else f"{line}\nNOT what was sent:"), problems


def delivery_differences(pulled: Pulled, summary: dict) -> list[str]:
    """Where the pulled delivery differs from what the run sent: each signal intake accepted (picked
    up or not) delivered exactly once, no other, and one case per household at risk. Matching tells
    outreach about every accepted signal (ADR 0014), so any signal missing is a fault."""
    delivered = pulled.signal_ids()
    accepted = summary["signal_ids"]
    problems = []
    if len(delivered) != len(set(delivered)):
        problems.append(f"{len(delivered) - len(set(delivered))} signals delivered more than once")
    if missing := accepted - set(delivered):
        problems.append(f"{len(missing)} of the {len(accepted)} signals accepted are not in the delivery")
        problems.extend(f"  {signal_id}: {', '.join(summary['told'].get(signal_id, ['no decision of matching']))}"
                        for signal_id in sorted(missing)[:5])
    if extra := set(delivered) - accepted:
        problems.append(f"{len(extra)} signals in the delivery are not among them")
    if len(pulled.cases()) != summary["at_risk"]:
        problems.append(f"{len(pulled.cases())} cases in the delivery, {summary['at_risk']} households at risk")
    return problems


def add_demo_staff(outreach: ServiceProcess) -> str | None:
    """Adds the demo sign-ins with outreach's own command (`python -m outreach staff add`), against
    the database the running service uses. Returns what went wrong, or None."""
    env = {**os.environ, **outreach.env}  # as the service was started (OUTREACH_DATABASE_URL, ...)
    for role, username, name, password, municipalities in DEMO_STAFF:
        command = [sys.executable, "-m", "outreach", "staff", "add", username, "--name", name, "--role", role,
                   *(arg for code in municipalities for arg in ("--municipality", code)), "--password-stdin"]
        try:
            done = subprocess.run(command, input=f"{password}\n", env=env, capture_output=True, text=True,
                                  timeout=60, check=False)
        except subprocess.TimeoutExpired:
            return f"`python -m outreach staff add {username}` did not finish within 60 s"
        if done.returncode != 0:
            output = (done.stderr.strip() or done.stdout.strip() or f"exit code {done.returncode}").splitlines()
            return f"`python -m outreach staff add {username}` failed: {output[-1]}"
    return None


def sign_in_table() -> str:
    rows = [("role", "username", "password", "municipalities"),
            *((role, user, password, ", ".join(MUNICIPALITIES[c].name for c in codes))
              for role, user, _, password, codes in DEMO_STAFF)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"  {role.ljust(widths[0])}  {user.ljust(widths[1])}  {password.ljust(widths[2])}  {codes}"
                     for role, user, password, codes in rows)


async def wait_and_summarise(report_ids: set[str], bad: int, *, timeout: float) -> dict:
    accepted = await bus.read_topic(
        topics.ARREARS_REPORTED, timeout=timeout,
        until=lambda rs: {e["payload"]["report_id"] for e in bus.events(rs)} >= report_ids)
    signal_ids = {e["payload"]["signal_id"] for e in bus.events(accepted) if e["payload"]["report_id"] in report_ids}
    rejected = 0
    for partner in REJECTING_PARTNERS:
        rejected += len(await bus.read_topic(topics.partner_rejections(partner), until=lambda rs: len(rs) > 0,
                                             timeout=timeout))

    # Every accepted signal is in some decision (a case opened, escalated or joined, or not picked
    # up), but a household's decisions may come in several steps: wait until matching has gone quiet.
    decisions = await bus.read_until_quiet(topics.MATCHING_DECISIONS, quiet=4.0, timeout=timeout)
    ours = [e for e in bus.events(decisions) if _mentions(e, signal_ids)]
    at_risk = [e for e in ours if e["event_type"] == "HouseholdAtRisk"]
    escalated = [e for e in ours if e["event_type"] == "HouseholdRiskEscalated"]
    joined = [e for e in ours if e["event_type"] == "SignalsJoinedCase"]
    case_ids = {e["payload"]["episode_id"] for e in at_risk}
    final_action = {e["payload"]["episode_id"]: e["payload"]["action"] for e in [*at_risk, *escalated]}
    needs_contact = {c for c, action in final_action.items() if action != "letter_only"}

    def settled(records: list[bus.Record]) -> bool:
        evs = [e for e in bus.events(records) if e["payload"].get("case_id") in case_ids]
        lettered = {e["payload"]["case_id"] for e in evs if e["event_type"] == "LetterSent"}
        contacted = {e["payload"]["case_id"] for e in evs if e["event_type"] in ("CallDue", "VisitDue")
                     or (e["event_type"] == "LetterSent" and e["payload"]["letter_kind"] == "follow_up")}
        return lettered >= case_ids and contacted >= needs_contact

    case_events = [e for e in bus.events(await bus.read_topic(topics.OUTREACH_CASE_EVENTS, until=settled,
                                                                timeout=timeout, settle=1.0))
                   if e["payload"].get("case_id") in case_ids]
    kinds = Counter(e["event_type"] if e["event_type"] != "LetterSent" else f"letter:{e['payload']['letter_kind']}"
                    for e in case_events)
    told: dict[str, list[str]] = {}  # what matching said about each signal, for a delivery that lacks one
    for e in ours:
        for signal_id in [e["payload"].get("signal_id"), *(s["signal_id"] for s in e["payload"].get("signals", []))]:
            if signal_id:
                told.setdefault(signal_id, []).append(f"{e['event_type']} {e['payload'].get('episode_id', '')}".strip())
    at_risk_in = Counter(e["municipality_code"] for e in at_risk)
    letters_in = Counter(e["municipality_code"] for e in case_events if e["event_type"] == "LetterSent")
    return {
        "accepted": len(signal_ids), "signal_ids": signal_ids, "told": told, "rejected": rejected, "at_risk": len(at_risk), "escalated": len(escalated),
        "joined": sum(len(e["payload"]["signals"]) for e in joined),
        "not_picked_up": Counter(e["payload"]["ddas_status"] for e in ours if e["event_type"] == "SignalNotPickedUp"),
        "letters": kinds["letter:first"] + kinds["letter:follow_up"], "follow_ups": kinds["letter:follow_up"],
        "calls": kinds["CallDue"], "visits": kinds["VisitDue"], "at_risk_in": at_risk_in, "letters_in": letters_in,
    }


def _mentions(envelope: dict, signal_ids: set[str]) -> bool:
    payload = envelope["payload"]
    return payload.get("signal_id") in signal_ids or any(s["signal_id"] in signal_ids for s in payload.get("signals", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=60, help="reports for Ouder-Amstel")
    parser.add_argument("--reports-amstelveen", type=int, default=40, help="reports for Amstelveen")
    parser.add_argument("--seed", type=int, default=437)
    parser.add_argument("--letters", default="out/letters", help="folder the letters are written to")
    parser.add_argument("--call-delay", default="PT5S", help="ISO-8601 delay from letter to call (P7D in production)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--keep", action="store_true", help="leave the services running")
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
