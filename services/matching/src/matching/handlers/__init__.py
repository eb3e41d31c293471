"""Matching's use cases, one module each: a reported signal (`arrears_reported`), a closed case
(`case_closed`), an erasure request (`erasure`), the retention sweep (`retention`) and a read of a
household's decision history (`history`). Each takes an open unit of work (`uow`) and emits its
events through it; `deciding` is the step the first two share."""
