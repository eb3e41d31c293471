"""Run intake: `python -m intake` or `vroeg-intake`."""

from vroeg_runtime.service import serve

from .bootstrap import build


def main() -> None:
    intake, app = build()
    serve(app, intake.platform.http_host, intake.settings.http_port)


if __name__ == "__main__":
    main()
