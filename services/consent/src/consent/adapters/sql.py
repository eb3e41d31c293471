"""Small helpers shared by the PostgreSQL adapters."""


def rows_affected(status: str) -> int:
    """The row count of a command status such as `DELETE 3`."""
    return int(status.split()[-1])
