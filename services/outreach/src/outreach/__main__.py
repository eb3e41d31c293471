"""Run outreach: `python -m outreach` (or `vroeg-outreach`) serves; `python -m outreach <tool> [args]`
runs a command-line tool (entrypoints/cli/<tool>.py):

    python -m outreach ddas --from 2025-01-01 --to 2025-01-31 [--out FILE] [--kpi]
    python -m outreach rotate-key --key-id 2027-01 [--keys-dir DIR]
    python -m outreach staff add USERNAME --name NAME --role ROLE --municipality 0437 [--password-stdin]
    python -m outreach staff disable|enable|password USERNAME
    python -m outreach staff list
    python -m outreach cbs-dev-certs --dir DIR [--force]

Serving, it also serves the CBS pull API on OUTREACH_CBS_PORT when its certificates are configured
(entrypoints/cbs; config.py, OUTREACH_CBS_*).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from vroeg_runtime.service import serve

from .bootstrap import build, build_cbs
from .entrypoints.cbs.server import main_server, serve_beside, server_config
from .entrypoints.cli import cbs_dev_certs, ddas, rotate_key, staff

TOOLS: dict[str, Callable[[list[str]], int]] = {"ddas": ddas.main, "rotate-key": rotate_key.main,
                                                "staff": staff.main, "cbs-dev-certs": cbs_dev_certs.main}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        outreach, app = build()
        cbs_api = build_cbs(outreach)
        host = outreach.platform.http_host
        if cbs_api is None:
            serve(app, host, outreach.settings.http_port)
        else:
            cbs_app, files = cbs_api
            asyncio.run(serve_beside(main_server(app, host, outreach.settings.http_port),
                                     server_config(cbs_app, host, outreach.settings.cbs_port, files)))
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
