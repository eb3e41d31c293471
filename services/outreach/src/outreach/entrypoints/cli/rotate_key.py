"""Rotate outreach's sealing key pair:

    python -m outreach rotate-key --key-id 2027-01 [--keys-dir DIR]

Adds a new pair beside the old ones, which stay, so contact details sealed before the rotation stay
readable until retention deletes them. Then point intake at the new key (INTAKE_OUTREACH_KEY_ID)
and restart it; outreach opens both. See docs/operations.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vroeg_contracts.keys import KeyConfigurationError
from vroeg_runtime.settings import PlatformSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outreach rotate-key", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--key-id", required=True, help="the new pair's id, e.g. 2027-01")
    parser.add_argument("--keys-dir", type=Path, help="the key folder (default: VROEG_KEYS_DIR)")
    args = parser.parse_args(argv)
    platform = PlatformSettings(keys_dir=args.keys_dir) if args.keys_dir else PlatformSettings()
    try:
        public = platform.keys().add_outreach_keypair(args.key_id)
    except KeyConfigurationError as error:
        print(f"rotate-key: {error}", file=sys.stderr)
        return 1
    print(f"new outreach key pair {args.key_id}: {public}; now set INTAKE_OUTREACH_KEY_ID={args.key_id}")
    return 0
