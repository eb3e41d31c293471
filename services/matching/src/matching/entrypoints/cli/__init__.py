"""Matching's command-line tools, one module each, run as `python -m matching <tool> [args]`."""
