"""Values worked out once per object (a model's shape, a function version) and kept while the object lives."""

from __future__ import annotations

import functools
import weakref
from typing import Any, Callable, TypeVar

V = TypeVar("V")


def per_object(make: Callable[..., V]) -> Callable[..., V]:
    """``make(key, *rest)``, made once per ``key`` object and kept while it lives (weakly keyed).

    For values that depend on the key alone: ``rest`` only helps make the first one. Keys are
    compared by identity; botocore's model objects, like lambdamock's versions, never change.
    """
    made: weakref.WeakKeyDictionary[Any, V] = weakref.WeakKeyDictionary()

    @functools.wraps(make)
    def cached(key: Any, *rest: Any) -> V:
        found = made.get(key)
        if found is None:
            found = made[key] = make(key, *rest)
        return found

    return cached
