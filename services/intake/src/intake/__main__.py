"""Run intake: `python -m intake` (or `vroeg-intake`) serves; `python -m intake <tool> [args]` runs
one of its command-line tools:

    python -m intake import FILE --partner ID          import a partner's CSV or Excel (.xlsx) file
    python -m intake import-csv FILE --partner ID      the same (the older name)
    python -m intake replay --list | --rejection ID | --partner ID [--since WHEN]
    python -m intake partners list | add ID --name N --category C --municipality M | disable ID
"""

import sys
from collections.abc import Callable

from vroeg_contracts.keys import KeyConfigurationError
from vroeg_runtime.service import serve

from .bootstrap import build
from .entrypoints.cli import import_csv, partners, replay

TOOLS: dict[str, Callable[[list[str] | None], int]] = {
    "import": import_csv.main,
    "import-csv": lambda argv: import_csv.main(argv, prog="python -m intake import-csv"),
    "replay": replay.main,
    "partners": partners.main,
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args:
        tool = TOOLS.get(args[0])
        if tool is None:
            print(f"usage: python -m intake [{' | '.join(TOOLS)}] [args]\n(without a tool, intake serves)",
                  file=sys.stderr)
            return 2
        return tool(args[1:])
    deps, app = build()
    try:
        # A missing or malformed key stops intake now, with the file named, not at the first report.
        deps.privacy.check(deps.settings.municipalities)
    except KeyConfigurationError as error:
        sys.exit(f"intake cannot start: {error}")
    serve(app, deps.platform.http_host, deps.settings.http_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
