"""os.environ as each execution environment sees it: the process's variables plus the environment's own layer.

The layer is put under the process's own ``os.environ`` object (as its ``_data``, which ``os.environb``
shares), so code holding that object from before the mock (``from os import environ``, botocore's
sessions) sees the function's variables too, and nothing a handler does reaches the process.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, List, MutableMapping, Optional

from lambdamock._bound import current
from lambdamock.runtime.scope import Scope
from lambdamock.runtime.swaps import Swap


class ThreadData(MutableMapping[Any, Any]):
    """``os.environ._data``: environment threads read and write their own layer over the process's data."""

    def __init__(self, base: MutableMapping[Any, Any], environ: Any) -> None:
        self.base = base
        # The process's encoding of keys and values (bytes on POSIX, upper-cased str on Windows).
        self._encode_key: Callable[[str], Any] = environ.encodekey
        self._decode_key: Callable[[Any], str] = environ.decodekey
        self._encode_value: Callable[[str], Any] = environ.encodevalue
        self._decode_value: Callable[[Any], str] = environ.decodevalue

    def __getitem__(self, key: Any) -> Any:
        scope = current()
        if scope is None:
            return self.base[key]
        name = self._decode_key(key)
        value = scope.overlay.get(name)
        if value is not None:
            return self._encode_value(value)
        if name in scope.removed:
            raise KeyError(key)
        return self.base[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        scope = current()
        if scope is None:
            self.base[key] = value
            return
        name = self._decode_key(key)
        scope.overlay[name] = self._decode_value(value)
        scope.removed.discard(name)

    def __delitem__(self, key: Any) -> None:
        scope = current()
        if scope is None:
            del self.base[key]
            return
        name = self._decode_key(key)
        if name not in scope.overlay and (name in scope.removed or key not in self.base):
            raise KeyError(key)
        scope.overlay.pop(name, None)
        scope.removed.add(name)

    def _keys(self, scope: Scope) -> List[Any]:
        keys = [k for k in self.base if self._decode_key(k) not in scope.overlay and self._decode_key(k) not in scope.removed]
        keys.extend(self._encode_key(name) for name in scope.overlay)
        return keys

    def __iter__(self) -> Iterator[Any]:
        scope = current()
        return iter(list(self.base)) if scope is None else iter(self._keys(scope))

    def __len__(self) -> int:
        scope = current()
        return len(self.base) if scope is None else len(self._keys(scope))


def _putenv(key: Any, value: Any) -> None:
    # Environment threads never change the process's C environment: os.environ's writes (which call
    # putenv) stay in their layer, and a handler's own putenv would reach every other thread's children.
    if current() is None:
        _PUTENV.call(key, value)


def _unsetenv(key: Any) -> None:
    if current() is None:
        _UNSETENV.call(key)


_PUTENV = Swap(os, "putenv", _putenv)
_UNSETENV = Swap(os, "unsetenv", _unsetenv)
SWAPS = [_PUTENV, _UNSETENV]


class Layering:
    """Puts ThreadData under os.environ and os.environb, and the stand-ins for putenv/unsetenv; undone exactly."""

    def __init__(self) -> None:
        self._data: Optional[ThreadData] = None

    def install(self) -> None:
        base = os.environ._data  # type: ignore[attr-defined]
        self._data = ThreadData(base, os.environ)
        os.environ._data = self._data  # type: ignore[attr-defined]
        if hasattr(os, "environb"):
            os.environb._data = self._data  # type: ignore[attr-defined]
        for swap in SWAPS:
            swap.install()

    def uninstall(self) -> None:
        data, self._data = self._data, None
        if data is None:
            return
        # Put back only what is still ours: a later replacement by someone else is theirs to undo.
        if os.environ._data is data:  # type: ignore[attr-defined]
            os.environ._data = data.base  # type: ignore[attr-defined]
        if hasattr(os, "environb") and os.environb._data is data:  # type: ignore[attr-defined]
            os.environb._data = data.base  # type: ignore[attr-defined]
        for swap in SWAPS:
            swap.uninstall()
