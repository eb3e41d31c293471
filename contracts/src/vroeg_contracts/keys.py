"""The key files next to the privacy primitives that use them: per-municipality pseudonym secrets
(intake and consent) and outreach's sealing key pairs (intake seals to the public key, outreach
opens with the private keys), all in one folder (`VROEG_KEYS_DIR`).

    python -m vroeg_contracts.keys check [--keys-dir DIR]
    python -m vroeg_contracts.keys dev [--keys-dir DIR] [municipality_code ...]

`dev` makes development keys where they are missing, so a fresh checkout runs; production keys come
from the municipality's key management.

Outreach rotates its own key pair (`python -m outreach rotate-key`), see docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from .privacy import new_keypair

DEV_KEY_ID = "dev-1"
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class KeyConfigurationError(RuntimeError):
    """A key is missing or malformed: the service must not start (it would pseudonymise or seal wrongly)."""


class MissingKey(KeyConfigurationError, LookupError):
    """No key file at all (for example: a municipality this installation does not serve)."""


def read_key(path: Path, what: str) -> bytes:
    """A 32-byte key stored as 64 hex digits, or a clear reason why not."""
    if not path.exists():
        raise MissingKey(f"{what}: {path} does not exist")
    try:
        key = bytes.fromhex(path.read_text().strip())
    except ValueError:
        raise KeyConfigurationError(f"{what}: {path} is not hexadecimal") from None
    if len(key) != 32:
        raise KeyConfigurationError(f"{what}: {path} holds {len(key)} bytes, expected 32 (64 hex digits)")
    return key


@dataclass(frozen=True)
class KeyFolder:
    """The key files in one folder, read when asked for (a rotated key is seen without a restart)."""

    path: Path

    def municipality_secret(self, municipality_code: str) -> bytes:
        """The per-municipality pseudonym secret (HMAC key), from `municipality-<code>.secret`."""
        return read_key(self.path / f"municipality-{municipality_code}.secret",
                        f"pseudonym secret of municipality {municipality_code}")

    def outreach_public_key(self, key_id: str) -> bytes:
        return read_key(self.path / f"outreach-{key_id}.pub", f"outreach's public sealing key {key_id!r}")

    def outreach_private_keys(self) -> dict[str, bytes]:
        """Every outreach private key present, by key id, so sealed data under older keys still opens."""
        return {
            path.name.removeprefix("outreach-").removesuffix(".key"): read_key(path, "outreach's private sealing key")
            for path in sorted(self.path.glob("outreach-*.key"))
        }

    def check(self) -> list[str]:
        """Every key file in the folder, validated; a line per key (raises on the first bad one)."""
        lines = []
        for path in sorted(self.path.glob("municipality-*.secret")):
            code = path.name.removeprefix("municipality-").removesuffix(".secret")
            self.municipality_secret(code)
            lines.append(f"ok  pseudonym secret, municipality {code}")
        private = self.outreach_private_keys()
        for key_id in private:
            self.outreach_public_key(key_id)
            lines.append(f"ok  outreach sealing key pair {key_id}")
        if not private:
            raise KeyConfigurationError(f"no outreach key pair (outreach-<key id>.key/.pub) in {self.path}")
        return lines

    def add_outreach_keypair(self, key_id: str) -> Path:
        """A new outreach key pair beside the old ones (which stay, so older sealed data still opens);
        returns the public key's path. Refuses a key id that is malformed or taken."""
        if not _KEY_ID.match(key_id):
            raise KeyConfigurationError(f"key id {key_id!r}: use letters, digits, '.', '_' or '-'")
        private_path, public_path = self.path / f"outreach-{key_id}.key", self.path / f"outreach-{key_id}.pub"
        if private_path.exists() or public_path.exists():
            raise KeyConfigurationError(f"key id {key_id!r} exists already in {self.path}")
        private, public = new_keypair()
        self.path.mkdir(parents=True, exist_ok=True)
        for path, key in ((private_path, private), (public_path, public)):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(key.hex())
        read_key(private_path, "new private key")
        return public_path


def ensure_dev_keys(keys_dir: Path, municipality_codes: list[str]) -> None:
    """Development keys: a pseudonym secret per municipality and outreach's `dev-1` pair, where missing."""
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
    for path in keys_dir.iterdir():  # folders of other key sets (cbs/, kafka/) must stay enterable
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vroeg_contracts.keys", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "dev"])
    parser.add_argument("municipalities", nargs="*", default=["0437"], help="for `dev`: the municipality codes")
    parser.add_argument("--keys-dir", type=Path, default=Path(os.environ.get("VROEG_KEYS_DIR", ".vroeg/keys")))
    args = parser.parse_intermixed_args(argv)
    try:
        if args.command == "dev":
            ensure_dev_keys(args.keys_dir, args.municipalities)
            return 0
        print("\n".join(KeyFolder(args.keys_dir).check()))
    except KeyConfigurationError as error:
        print(f"keys: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
