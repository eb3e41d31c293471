"""`python -m intake.replay ...`: see `intake.entrypoints.replay`."""

import sys

from .entrypoints.replay import main

if __name__ == "__main__":
    sys.exit(main())
