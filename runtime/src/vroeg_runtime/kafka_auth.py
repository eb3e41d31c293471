"""Kafka credentials: every client authenticates with SASL/SCRAM-SHA-512 as its own principal.

A principal's password comes from VROEG_KAFKA_PASSWORD_<NAME>. On a development platform
(VROEG_KAFKA_DEV_PASSWORDS=1, set by deploy/local/env.sh) a missing one is derived from the name;
anywhere else a missing password stops the client with a clear message.
"""

from __future__ import annotations

import os
from typing import Any

from faststream.security import SASLScram512


class MissingKafkaPassword(RuntimeError):
    pass


def password_variable(principal: str) -> str:
    return "VROEG_KAFKA_PASSWORD_" + principal.upper().replace("-", "_")


def kafka_password(principal: str) -> str:
    variable = password_variable(principal)
    if variable in os.environ:
        return os.environ[variable]
    if os.environ.get("VROEG_KAFKA_DEV_PASSWORDS") == "1":
        return f"vroeg-dev-kafka-{principal}"
    raise MissingKafkaPassword(f"no Kafka password for principal {principal!r}: set {variable}")


def plaintext() -> bool:
    # Only for a broker without authentication (not the one deploy/local runs).
    return os.environ.get("VROEG_KAFKA_SECURITY", "sasl_scram") == "plaintext"


def faststream_security(principal: str) -> SASLScram512 | None:
    return None if plaintext() else SASLScram512(username=principal, password=kafka_password(principal))


def aiokafka_options(principal: str) -> dict[str, Any]:
    """Keyword arguments for aiokafka clients (and kafka-python's, which use the same names)."""
    if plaintext():
        return {}
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": principal, "sasl_plain_password": kafka_password(principal)}
