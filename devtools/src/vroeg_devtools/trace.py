"""Print the span tree of one report or trace from the local trace files (VROEG_TRACE_DIR).

    python -m vroeg_devtools.trace --report eigen-haard/EH-2026-0001
    python -m vroeg_devtools.trace --trace 4bf92f3577b34da6a3ce929d0e0e4736
    python -m vroeg_devtools.trace --list

Each line: service, operation, duration, and the error when the span failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vroeg_contracts.envelope import correlation_id_of


@dataclass
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    service: str
    kind: str
    start_ns: int
    end_ns: int
    status: str
    error: str | None
    attributes: dict[str, Any]
    children: list[Span] = field(default_factory=list)

    @property
    def duration_ms(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6


def load_spans(trace_dir: Path) -> list[Span]:
    spans = []
    for path in sorted(trace_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                spans.append(Span(**json.loads(line)))
    return spans


def traces_of_correlation(spans: list[Span], correlation_id: str) -> set[str]:
    return {s.trace_id for s in spans if s.attributes.get("vroeg.correlation_id") == correlation_id}


def build_tree(spans: list[Span], trace_id: str) -> list[Span]:
    """The roots of one trace, each with its children in start order."""
    ours = {s.span_id: s for s in spans if s.trace_id == trace_id}
    for span in ours.values():
        span.children = []
    roots = []
    for span in sorted(ours.values(), key=lambda s: s.start_ns):
        parent = ours.get(span.parent_id) if span.parent_id else None
        (parent.children if parent else roots).append(span)
    return roots


def render(roots: list[Span]) -> str:
    lines: list[str] = []

    def walk(span: Span, depth: int) -> None:
        error = f"  ERROR {span.error or ''}".rstrip() if span.status == "ERROR" else ""
        lines.append(f"{'  ' * depth}{span.service:<9} {span.name}  {span.duration_ms:.1f} ms{error}")
        for child in span.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=os.environ.get("VROEG_TRACE_DIR", ".vroeg/traces"))
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--report", help="partner_id/report_id")
    group.add_argument("--trace", help="a trace id (32 hex digits)")
    group.add_argument("--list", action="store_true", help="list traces with their services")
    args = parser.parse_args(argv)
    spans = load_spans(Path(args.dir))
    if args.list:
        by_trace: dict[str, set[str]] = defaultdict(set)
        for span in spans:
            by_trace[span.trace_id].add(span.service)
        for trace_id, services in sorted(by_trace.items()):
            print(trace_id, " ".join(sorted(services)))
        return 0
    if args.report:
        partner_id, _, report_id = args.report.partition("/")
        trace_ids = traces_of_correlation(spans, str(correlation_id_of(partner_id, report_id)))
        if not trace_ids:
            print(f"no spans for report {args.report} in {args.dir}", file=sys.stderr)
            return 1
    else:
        trace_ids = {args.trace}
    for trace_id in sorted(trace_ids):
        print(f"trace {trace_id}")
        print(render(build_tree(spans, trace_id)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
