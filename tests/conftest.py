"""Shared fixtures and the offline guard."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "tau2-airline"
SHARED_DATA = ROOT.parent / "shared" / "data"


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # AF_UNIX paths and the like never leave the machine


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any connection that would leave the machine: no test may reach a real model provider."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            raise RuntimeError(f"test tried to connect to {address!r}: tests are offline (loopback only)")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture
def bundled_files() -> list[Path]:
    """The τ²-bench airline subset shipped in the repository."""
    return sorted(BUNDLED.glob("*.subset.json"))


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; tests that need it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not available: {SHARED_DATA} is absent (it sits beside the checkout in CI)")
    return SHARED_DATA
