"""Backends by name: ``"backend"`` or ``"backend/model"`` to a factory.

Each factory imports its backend module (and through it, its SDK) inside its own body, so that a missing optional
dependency fails with an install hint when that backend is chosen, and not when ``judges`` is imported.
"""

from __future__ import annotations

from collections.abc import Callable

from judges.backend import Backend
from judges.config import JudgeConfig
from judges.errors import ConfigError

BackendFactory = Callable[[JudgeConfig], Backend]


def _local(config: JudgeConfig) -> Backend:
    from judges.backends.local import LocalBackend

    return LocalBackend(config)


def _fake(config: JudgeConfig) -> Backend:
    from judges.backends.fake import FakeBackend

    return FakeBackend(config)


_REGISTRY: dict[str, BackendFactory] = {
    "fake": _fake,
    "local": _local,
}


def backend_names() -> list[str]:
    """The registered backend names."""
    return sorted(_REGISTRY)


def check_backend(config: JudgeConfig) -> BackendFactory:
    """The factory of the backend ``config.judge`` names.

    Raises:
        ConfigError: for an unknown backend name (listing the known ones).
    """
    factory = _REGISTRY.get(config.backend)
    if factory is None:
        raise ConfigError(f"unknown judge backend {config.backend!r}; available: {', '.join(backend_names())}")
    return factory


def create_backend(config: JudgeConfig) -> Backend:
    """Build the backend ``config.judge`` names.

    Raises:
        ConfigError: for an unknown backend name (listing the known ones).
        MissingExtraError: when the backend's optional dependency is not installed.
        BackendError: when the backend cannot start (e.g. its model file is missing).
    """
    return check_backend(config)(config)
