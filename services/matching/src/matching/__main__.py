"""Run matching: `python -m matching` (or `vroeg-matching`) serves; `python -m matching <tool> [args]`
runs a command-line tool (`entrypoints/cli/<tool>.py`), e.g. `python -m matching history KEY`."""

from __future__ import annotations

import sys
from collections.abc import Callable

from vroeg_runtime.service import serve

from .bootstrap import build
from .entrypoints.cli import history

TOOLS: dict[str, Callable[[list[str]], int]] = {"history": history.main}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        matching, app = build()
        serve(app, matching.platform.http_host, matching.deps.settings.http_port)
        return 0
    if args[0] in TOOLS:
        return TOOLS[args[0]](args[1:])
    usage = (f"usage: python -m matching [{' | '.join(f'{tool} ...' for tool in TOOLS)}]\n"
             "  without arguments it serves; with a tool's name it runs that tool (--help after it says more)")
    if args[0] in ("-h", "--help"):
        print(usage)
        return 0
    print(f"{usage}\nnot a tool: {args[0]}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
