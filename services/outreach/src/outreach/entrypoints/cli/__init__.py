"""Outreach's command-line tools, one module each with `main(argv) -> int`; `python -m outreach <tool>`
runs them (see `outreach/__main__.py`)."""
