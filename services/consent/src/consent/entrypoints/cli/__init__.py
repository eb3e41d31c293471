"""Consent's command-line tools, one module per tool, each run as `python -m consent <tool> [args]`."""
