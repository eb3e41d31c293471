"""Run intake: `python -m intake` or `vroeg-intake`."""

import sys

from vroeg_runtime.service import serve
from vroeg_runtime.settings import KeyConfigurationError

from .bootstrap import build


def main() -> None:
    intake, app = build()
    try:
        # A missing or malformed key stops intake now, with the file named, not at the first report.
        intake.privacy.check(intake.settings.municipalities)
    except KeyConfigurationError as error:
        sys.exit(f"intake cannot start: {error}")
    serve(app, intake.platform.http_host, intake.settings.http_port)


if __name__ == "__main__":
    main()
