"""One trace per report: the report, ArrearsReported, HouseholdAtRisk, LetterSent and the referral's
consent decision are connected spans across all four services; CallDue hangs under whatever planned
the call (the letter, or the escalation by a second report). The `trace` command prints the tree."""

from vroeg_contracts.envelope import correlation_id_of
from vroeg_devtools import bus, trace


def _opening_report(slice_run):
    """(partner, report id) of the multi household's report that opened its case: either of its
    two reports may reach matching first."""
    households = {e["payload"]["report_id"]: e["household_key"] for e in bus.events(slice_run.records["accepted"])}
    multi = households[slice_run.reports[0][1]["report_id"]]
    opened, = [e for e in bus.events(slice_run.records["decisions"], "HouseholdAtRisk") if e["household_key"] == multi]
    return next((partner, body["report_id"]) for partner, body in slice_run.reports[:2]
                if str(correlation_id_of(partner, body["report_id"])) == opened["correlation_id"])


def test_a_report_is_one_connected_trace_across_services(slice_run):
    spans = trace.load_spans(slice_run.trace_dir)
    partner, report = _opening_report(slice_run)
    correlation = str(correlation_id_of(partner, report))
    # The report's trace is the one its ArrearsReported was published in; a caseworker's action on
    # the case (the outcome) is a trace of its own.
    trace_id, = {s.trace_id for s in spans if s.attributes.get("vroeg.correlation_id") == correlation
                 and s.attributes.get("vroeg.event_type") == "ArrearsReported"}
    ours = {s.span_id: s for s in spans if s.trace_id == trace_id}
    roots = [s for s in ours.values() if s.parent_id is None]
    assert len(roots) == 1 and roots[0].service == "intake"  # the partner's record starts the trace
    assert all(s.parent_id in ours for s in ours.values() if s.parent_id)  # no dangling parent
    assert {"intake", "matching", "outreach", "consent"} <= {s.service for s in ours.values()}

    by_id = {s.span_id: s for s in spans}

    def ancestors(span):
        while span.parent_id:
            span = by_id[span.parent_id]
            yield span

    published = {s.attributes.get("vroeg.event_type"): s for s in ours.values() if s.name.startswith("outbox relay")}
    assert {"ArrearsReported", "HouseholdAtRisk", "LetterSent"} <= set(published)
    chain = [published[t] for t in ("ArrearsReported", "HouseholdAtRisk", "LetterSent")]
    for earlier, later in zip(chain, chain[1:], strict=False):
        assert earlier in list(ancestors(later)), (f"{later.attributes['vroeg.event_type']} is not caused by "
                                                   f"{earlier.attributes['vroeg.event_type']} in the trace")
    # Sending the letter plans the call: the call's step runs, days later, inside the letter's step.
    # Unless the household's second report escalated the case after the letter went out: then the
    # escalation planned the call, and the call continues the second report's trace instead.
    letter_step = ours[published["LetterSent"].parent_id]
    assert letter_step.name == "outreach first_letter"
    call, = [s for s in spans if s.name.startswith("outbox relay") and s.attributes.get("vroeg.event_type") == "CallDue"
             and s.attributes.get("vroeg.correlation_id") == correlation]
    planned_by = letter_step if call.trace_id == trace_id else next(
        s for s in spans if s.trace_id == call.trace_id and s.name.startswith("outbox relay")
        and s.attributes.get("vroeg.event_type") == "HouseholdRiskEscalated")
    assert planned_by in list(ancestors(call))
    # The team's referral continues the case's trace: consent's decision hangs under the decision
    # that opened the case.
    decided = [s for s in ours.values() if s.attributes.get("vroeg.event_type") in ("DataShareGranted", "DataShareDenied")]
    assert decided and published["HouseholdAtRisk"] in list(ancestors(decided[0]))


def test_the_trace_command_prints_the_tree(slice_run, capsys):
    partner, report = _opening_report(slice_run)
    assert trace.main(["--dir", str(slice_run.trace_dir), "--report", f"{partner}/{report}"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("trace ")
    for service in ("intake", "matching", "outreach", "consent"):
        assert f"\n{service}" in printed or f" {service} " in printed or f"  {service}" in printed
