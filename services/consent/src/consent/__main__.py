"""Run consent: `python -m consent` or `vroeg-consent`."""

from vroeg_runtime.service import serve

from .bootstrap import build


def main() -> None:
    consent, app = build()
    serve(app, consent.platform.http_host, consent.settings.http_port)


if __name__ == "__main__":
    main()
