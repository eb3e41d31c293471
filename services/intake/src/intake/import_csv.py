"""`python -m intake.import_csv <file> --partner <id>`: see `intake.entrypoints.import_csv`."""

import sys

from .entrypoints.import_csv import main

if __name__ == "__main__":
    sys.exit(main())
