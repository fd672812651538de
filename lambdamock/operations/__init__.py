"""The operation registry: one function per API operation, named by botocore.xform_name."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable, Optional, Union

from lambdamock.operations import (
    account,
    aliases,
    code_signing,
    concurrency,
    functions,
    invoke,
    invoke_configs,
    layer_permissions,
    layers,
    legacy,
    legacy_sources,
    mappings,
    permissions,
    runtime_settings,
    tags,
    urls,
)
from lambdamock.operations._base import Call
from lambdamock.runtime.waits import Steps

# What an operation answers; one that runs a handler answers through steps (see runtime.waits).
Operation = Callable[[Call, dict[str, Any]], Union[dict[str, Any], Steps[dict[str, Any]]]]


def _collect(*modules: ModuleType) -> dict[str, Operation]:
    return {
        name: value
        for module in modules
        for name, value in vars(module).items()
        if not name.startswith("_") and callable(value) and getattr(value, "__module__", None) == module.__name__
    }


_REGISTRY: dict[str, dict[str, Operation]] = {
    "2015-03-31": _collect(
        functions, account, aliases, invoke, concurrency, mappings, invoke_configs, code_signing, runtime_settings,
        permissions, tags, layers, layer_permissions, urls,
    ),
    "2014-11-11": _collect(legacy, legacy_sources),
}


def find(api_version: str, name: str) -> Optional[Operation]:
    """The operation serving ``name`` (snake_case) in that API version, if any."""
    return _REGISTRY.get(api_version, {}).get(name)


def served(api_version: str) -> frozenset[str]:
    return frozenset(_REGISTRY.get(api_version, {}))


__all__ = ["Call", "Operation", "find", "served"]
