"""Development certificates and keys for the CBS pull API:

    python -m outreach cbs-dev-certs --dir DIR [--force]

writes a root and an issuing CA (`ca.pem` is the trust anchor), the TLS server certificate for
127.0.0.1 and localhost, a CBS client certificate, a signing certificate for CBS and one for the
supplier, and the development token issuer's key pair (adapters/dev_certificates.py). A complete
folder is kept as it is unless --force. Point OUTREACH_CBS_DIR at the folder to serve the API.
Never for production: PKIoverheid certificates and the FSC manager's tokens replace them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...adapters.dev_certificates import write_development_set
from ...config import OutreachSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outreach cbs-dev-certs",
                                     description="Development certificates for the CBS pull API.")
    parser.add_argument("--dir", type=Path, required=True, help="the folder to write (made if need be)")
    parser.add_argument("--force", action="store_true", help="make a new set even when the folder has one")
    args = parser.parse_args(argv)
    written = write_development_set(args.dir, supplier_code=OutreachSettings().ddas_supplier_code, force=args.force)
    print(f"cbs-dev-certs: {len(written)} files written to {args.dir}" if written
          else f"cbs-dev-certs: {args.dir} is complete, kept", file=sys.stderr)
    return 0
