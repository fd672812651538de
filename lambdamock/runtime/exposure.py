"""Function modules in sys.modules while they run: each thread reaches its own environment's module by name.

pickle, typing.get_type_hints, dataclasses, ``sys.modules[__name__]`` and friends look modules up
by name. While an environment runs, ``sys.modules[name]`` is a router that sends every attribute
access to the module of the calling thread's environment, so two functions with an ``app.py``
running at once still never see each other's code.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType
from typing import Any, Dict, List, Optional

from lambdamock._bound import current

_MISSING = object()


def _target(router: ModuleType) -> ModuleType:
    return exposure.resolve(ModuleType.__getattribute__(router, "__dict__")["__name__"])


class _Router(ModuleType):
    """What sys.modules holds for a name function modules use: a stand-in routing to the right one."""

    def __getattribute__(self, name: str) -> Any:
        return getattr(_target(self), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(_target(self), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(_target(self), name)

    def __dir__(self) -> List[str]:
        return dir(_target(self))

    def __repr__(self) -> str:
        return repr(_target(self))


def unrouted(module: ModuleType) -> ModuleType:
    """The module itself, when ``module`` is what sys.modules holds for it while it runs."""
    return _target(module) if type(module) is _Router else module


class _Exposure:
    """Which environments show a module of each name now, and what sys.modules held before them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shown: Dict[str, List[ModuleType]] = {}
        self._saved: Dict[str, object] = {}
        self._routers: Dict[str, _Router] = {}  # made once per name: shown and hidden at every invocation

    def show(self, name: str, module: ModuleType) -> None:
        with self._lock:
            shown = self._shown.get(name)
            if shown is None:
                shown = self._shown[name] = []
                self._saved[name] = sys.modules.get(name, _MISSING)
                router = self._routers.get(name)
                if router is None:
                    router = self._routers[name] = _Router(name)
                sys.modules[name] = router
            shown.append(module)

    def hide(self, name: str, module: ModuleType) -> None:
        with self._lock:
            shown = self._shown.get(name)
            if shown is None or module not in shown:
                return
            shown.remove(module)
            if shown:
                return
            del self._shown[name]
            saved = self._saved.pop(name)
            if type(sys.modules.get(name)) is _Router:
                if saved is _MISSING:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = saved  # type: ignore[assignment]

    def process_module(self, name: str) -> Optional[ModuleType]:
        """The test process's own module ``name``, never one an environment shows there while it runs."""
        with self._lock:
            module = self._saved[name] if name in self._shown else sys.modules.get(name)
        return module if isinstance(module, ModuleType) else None

    def resolve(self, name: str) -> ModuleType:
        """The module ``name`` means to the calling thread: its environment's, else the process's own, else the latest."""
        scope = current()
        if scope is not None:
            own = scope.namespace.modules.get(name)
            if own is not None:
                return own
        saved = self._saved.get(name, _MISSING)
        if isinstance(saved, ModuleType):
            return saved
        shown = self._shown.get(name)
        if shown:
            return shown[-1]
        raise AttributeError(f"module {name!r} is not loaded any more")


exposure = _Exposure()
