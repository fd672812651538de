"""The Python runtime's snapshot_restore_py, as a handler imports it: SnapStart's runtime hooks, kept per environment."""

# AWS ships it in its Python runtimes (and as snapshot-restore-py on PyPI): a hook is registered with its
# arguments, by a call or as a decorator, and the runtime reads the lists back with the two getters.

from __future__ import annotations

from typing import Any, Callable, List, Tuple, TypeVar

__all__ = ["register_after_restore", "register_before_snapshot"]

Hook = Tuple[Callable[..., Any], Tuple[Any, ...], dict]
F = TypeVar("F", bound=Callable[..., Any])

_before_snapshot: List[Hook] = []
_after_restore: List[Hook] = []


def register_before_snapshot(func: F, *args: Any, **kwargs: Any) -> F:
    """Run ``func(*args, **kwargs)`` before the snapshot is taken (hooks run last registered first)."""
    _before_snapshot.append((func, args, kwargs))
    return func


def register_after_restore(func: F, *args: Any, **kwargs: Any) -> F:
    """Run ``func(*args, **kwargs)`` once an environment is restored (hooks run in registration order)."""
    _after_restore.append((func, args, kwargs))
    return func


def get_before_snapshot() -> List[Hook]:
    """The before-snapshot hooks, as the runtime reads them (it pops them as it runs them)."""
    return _before_snapshot


def get_after_restore() -> List[Hook]:
    """The after-restore hooks, as the runtime reads them."""
    return _after_restore
