"""The four services as real processes on the local platform: start, wait until ready, stop or kill.

Every process gets a pid file in $VROEG_RUN_DIR, so `deploy/local/services.sh down` can stop what a
crashed test or demo left behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

import httpx

from vroeg_contracts import topics

from . import bus

SERVICES = ("intake", "matching", "outreach", "consent")
ROOT = Path(__file__).resolve().parents[3]


def consumer_groups(service: str) -> dict[str, list[str]]:
    """Each service's consumer groups and their topics (as its entrypoints/kafka.py subscribes)."""
    partners = tomllib.loads((ROOT / "deploy" / "topics.toml").read_text())["partners"]["ids"]
    return {
        "intake": {"vroeg-intake": [topics.partner_reports(p) for p in partners],
                   "vroeg-intake-erasure": [topics.ERASURE_REQUESTED]},
        "matching": {"vroeg-matching": [topics.ARREARS_REPORTED], "vroeg-matching-case-events": [topics.OUTREACH_CASE_EVENTS],
                     "vroeg-matching-erasure": [topics.ERASURE_REQUESTED]},
        "outreach": {"vroeg-outreach": [topics.MATCHING_DECISIONS], "vroeg-outreach-share-decisions": [topics.DATA_SHARE_DECIDED],
                     "vroeg-outreach-erasure": [topics.ERASURE_REQUESTED]},
        "consent": {"vroeg-consent": [topics.DATA_SHARE_REQUESTED], "vroeg-consent-erasure": [topics.ERASURE_REQUESTED],
                    "vroeg-consent-erasure-receipts": [topics.ERASURE_COMPLETED]},
    }[service]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_dir() -> Path:
    return Path(os.environ.get("VROEG_RUN_DIR") or Path(os.environ.get("VROEG_STATE_DIR", ".vroeg")) / "run")


def log_dir() -> Path:
    return Path(os.environ.get("VROEG_LOG_DIR") or Path(os.environ.get("VROEG_STATE_DIR", ".vroeg")) / "logs")


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServiceProcess:
        self.starts += 1
        log_dir().mkdir(parents=True, exist_ok=True)
        run_dir().mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir() / f"{self.name}-{self.port}-{self.starts}.log"
        env = {**os.environ, **self.env, f"{self.name.upper()}_HTTP_PORT": str(self.port)}
        with open(self.log_path, "wb") as log:
            # A session of its own: a signal to the test runner does not reach the service, and
            # the service's whole process group can be stopped at once.
            self.process = subprocess.Popen([sys.executable, "-m", self.name], env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        (run_dir() / f"{self.name}-{self.port}.pid").write_text(str(self.process.pid))
        return self

    def wait_ready(self, timeout: float = 60.0) -> ServiceProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 40.0) -> int | None:
        """SIGTERM (a graceful drain), then SIGKILL if it does not end in time."""
        return self._end(signal.SIGTERM, timeout)

    def kill(self) -> int | None:
        """SIGKILL: the crash that tests of durability need."""
        return self._end(signal.SIGKILL, 10.0)

    def _end(self, sig: signal.Signals, timeout: float) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        (run_dir() / f"{self.name}-{self.port}.pid").unlink(missing_ok=True)
        return self.process.returncode


@dataclass
class Stack:
    """The services of one run. `env` applies to all; `overrides` per service."""

    env: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    extra: list[ServiceProcess] = field(default_factory=list)  # second and later instances
    # Start the services' consumer groups at the end of their topics (see bus.skip_to_end).
    skip_history: bool = False

    def start(self, names: tuple[str, ...] = SERVICES) -> Stack:
        if self.skip_history:
            groups = {g: t for name in names for g, t in consumer_groups(name).items()}
            # Tests call this from a running event loop: do the Kafka work on a loop of its own.
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, bus.skip_to_end(groups)).result()
        for name in names:
            self.services[name] = ServiceProcess(name, {**self.env, **self.overrides.get(name, {})}).start()
        for name in names:
            self.services[name].wait_ready()
        return self

    def add_instance(self, name: str) -> ServiceProcess:
        """Another instance of a service, sharing its database and consumer group."""
        instance = ServiceProcess(name, {**self.env, **self.overrides.get(name, {})}).start().wait_ready()
        self.extra.append(instance)
        return instance

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.services[name]

    def all(self) -> list[ServiceProcess]:
        return [*self.services.values(), *self.extra]

    def stop(self) -> None:
        for service in self.all():
            service.stop()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
