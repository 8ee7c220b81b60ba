"""Each package declares its surface: ``__all__`` is complete, sorted isort-style, and every name resolves."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = ["prompts", "judges", "calibration", "profiles", "assay"]


def _isort_key(name: str) -> tuple[int, str]:
    group = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (group, name)


@pytest.mark.parametrize("package", PACKAGES)
def test_all_sorted_and_resolvable(package: str) -> None:
    module = importlib.import_module(package)
    names = list(module.__all__)
    assert names == sorted(names, key=_isort_key)
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(module, name), f"{package}.{name} is in __all__ but not defined"


@pytest.mark.parametrize("package", PACKAGES)
def test_all_complete(package: str) -> None:
    """Every public class or function defined in the package's own modules is exported from its root."""
    module = importlib.import_module(package)
    exported = {id(getattr(module, n)) for n in module.__all__}
    for name, value in vars(module).items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        if (inspect.isclass(value) or inspect.isfunction(value)) and getattr(value, "__module__", "").startswith(
            package + "."
        ):
            assert id(value) in exported, f"{package}.{name} is public but missing from __all__"
