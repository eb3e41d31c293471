"""Run consent: `python -m consent` (or `vroeg-consent`) serves; `python -m consent <tool> [args]`
runs one of its command-line tools (entrypoints/cli/<tool>.py):

    python -m consent audit verify      check the audit chain: exit 0 intact, 1 broken
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from vroeg_runtime.service import serve

from .bootstrap import build
from .entrypoints.cli import audit

TOOLS: dict[str, Callable[[list[str]], int]] = {"audit": audit.main}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        tool = TOOLS.get(args[0])
        if tool is None:
            print(__doc__, file=sys.stderr)
            return 2
        return tool(args[1:])
    deps, app = build()
    serve(app, deps.platform.http_host, deps.settings.http_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
