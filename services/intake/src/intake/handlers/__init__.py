"""Intake's use cases, one module each: take a report (`take_report`), import a CSV stream in batches
(`import_csv`), replay a stored rejection (`replay`), erase a household (`erasure`), sweep what is
kept too long (`retention`). Each takes an open unit of work first; `dependencies` holds what they
need built."""
