"""Create development keys (pseudonym secrets, outreach's key pair) if they are missing.

Production keys come from the municipality's key management; these exist so a fresh checkout runs.
Usage: python -m vroeg_runtime.devkeys <keys_dir> [municipality_code ...]
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from vroeg_contracts.privacy import new_keypair

DEV_KEY_ID = "dev-1"


def ensure(keys_dir: Path, municipality_codes: list[str]) -> None:
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    for code in municipality_codes:
        secret = keys_dir / f"municipality-{code}.secret"
        if not secret.exists():
            secret.write_text(secrets.token_hex(32))
    private, public = keys_dir / f"outreach-{DEV_KEY_ID}.key", keys_dir / f"outreach-{DEV_KEY_ID}.pub"
    if not private.exists():
        private_key, public_key = new_keypair()
        private.write_text(private_key.hex())
        public.write_text(public_key.hex())
    for path in keys_dir.iterdir():
        os.chmod(path, 0o600)


if __name__ == "__main__":
    ensure(Path(sys.argv[1]), sys.argv[2:] or ["0437"])
