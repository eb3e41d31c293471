"""Key management commands: check every key, and rotate outreach's sealing key pair.

    python -m vroeg_runtime.keytool check [--keys-dir DIR]
    python -m vroeg_runtime.keytool rotate-outreach --key-id 2027-01 [--keys-dir DIR]

Rotation adds a new pair and keeps the old private keys, so details sealed before the rotation stay
readable until retention deletes them. Then point intake at the new key (INTAKE_OUTREACH_KEY_ID) and
restart it; outreach opens both. See docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from vroeg_contracts.privacy import new_keypair

from .settings import KeyConfigurationError, PlatformSettings, read_key

_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check(keys_dir: Path) -> list[str]:
    """Every key file in the folder, validated; returns a line per key (raises on the first bad one)."""
    settings = PlatformSettings(keys_dir=keys_dir)
    lines = []
    for path in sorted(keys_dir.glob("municipality-*.secret")):
        code = path.name.removeprefix("municipality-").removesuffix(".secret")
        settings.municipality_secret(code)
        lines.append(f"ok  pseudonym secret, municipality {code}")
    private = settings.outreach_private_keys()
    for key_id in private:
        settings.outreach_public_key(key_id)
        lines.append(f"ok  outreach sealing key pair {key_id}")
    if not private:
        raise KeyConfigurationError(f"no outreach key pair (outreach-<key id>.key/.pub) in {keys_dir}")
    return lines


def rotate_outreach(keys_dir: Path, key_id: str) -> Path:
    if not _KEY_ID.match(key_id):
        raise KeyConfigurationError(f"key id {key_id!r}: use letters, digits, '.', '_' or '-'")
    private_path, public_path = keys_dir / f"outreach-{key_id}.key", keys_dir / f"outreach-{key_id}.pub"
    if private_path.exists() or public_path.exists():
        raise KeyConfigurationError(f"key id {key_id!r} exists already in {keys_dir}")
    private, public = new_keypair()
    keys_dir.mkdir(parents=True, exist_ok=True)
    for path, key in ((private_path, private), (public_path, public)):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key.hex())
    read_key(private_path, "new private key")
    return public_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "rotate-outreach"])
    parser.add_argument("--keys-dir", type=Path, default=PlatformSettings().keys_dir)
    parser.add_argument("--key-id")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            print("\n".join(check(args.keys_dir)))
        else:
            if not args.key_id:
                parser.error("rotate-outreach needs --key-id")
            public = rotate_outreach(args.keys_dir, args.key_id)
            print(f"new outreach key pair {args.key_id}: {public}; now set INTAKE_OUTREACH_KEY_ID={args.key_id}")
    except KeyConfigurationError as error:
        print(f"keytool: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
