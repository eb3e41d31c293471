"""Run outreach: `python -m outreach` or `vroeg-outreach`."""

from vroeg_runtime.service import serve

from .bootstrap import build


def main() -> None:
    outreach, app = build()
    serve(app, outreach.platform.http_host, outreach.settings.http_port)


if __name__ == "__main__":
    main()
