"""Run matching: `python -m matching` or `vroeg-matching`."""

from vroeg_runtime.service import serve

from .bootstrap import build


def main() -> None:
    matching, app = build()
    serve(app, matching.platform.http_host, matching.settings.http_port)


if __name__ == "__main__":
    main()
