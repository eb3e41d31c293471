"""Intake's command-line tools, one module each with `main(argv) -> int`; `python -m intake <tool>`
runs them (`import`, `import-csv`, `replay`, `partners`)."""
