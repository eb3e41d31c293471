"""Run outreach: `python -m outreach` (or `vroeg-outreach`) serves; `python -m outreach <tool> [args]`
runs a command-line tool (entrypoints/cli/<tool>.py):

    python -m outreach ddas --from 2025-01-01 --to 2025-01-31 [--out FILE] [--kpi]
    python -m outreach rotate-key --key-id 2027-01 [--keys-dir DIR]
    python -m outreach staff add USERNAME --name NAME --role ROLE --municipality 0437 [--password-stdin]
    python -m outreach staff disable|enable|password USERNAME
    python -m outreach staff list
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from vroeg_runtime.service import serve

from .bootstrap import build
from .entrypoints.cli import ddas, rotate_key, staff

TOOLS: dict[str, Callable[[list[str]], int]] = {"ddas": ddas.main, "rotate-key": rotate_key.main,
                                                "staff": staff.main}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        outreach, app = build()
        serve(app, outreach.platform.http_host, outreach.settings.http_port)
        return 0
    usage = f"usage: python -m outreach [{' | '.join(TOOLS)}] [args]"
    if args[0] in ("-h", "--help"):
        print(f"{usage}\n\n{__doc__}")
        return 0
    tool = TOOLS.get(args[0])
    if tool is None:
        print(f"{usage}; {args[0]!r} is not a tool", file=sys.stderr)
        return 2
    return tool(args[1:])


if __name__ == "__main__":
    sys.exit(main())
