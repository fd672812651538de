"""Interpreter settings a function's code changes: they hold for the whole process, until the mock lets go."""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any, Callable, Dict, List, Tuple

from lambdamock._bound import current
from lambdamock.runtime.swaps import Swap

_ENABLE, _DISABLE = gc.enable, gc.disable
# How to read each setting, and to give it a value again (Python's own setters, as lambdamock found them).
_SETTINGS: Dict[str, Tuple[Callable[[], Any], Callable[[Any], Any]]] = {
    "recursion limit": (sys.getrecursionlimit, sys.setrecursionlimit),
    # Read in whole microseconds, which the setter truncates to: half of one more gives the same value back.
    "switch interval": (sys.getswitchinterval, lambda value: sys.setswitchinterval((round(value * 1e6) + 0.5) / 1e6)),
    "collection": (gc.isenabled, lambda enabled: _ENABLE() if enabled else _DISABLE()),
    "thresholds": (gc.get_threshold, lambda thresholds: gc.set_threshold(*thresholds)),
}
if hasattr(sys, "set_int_max_str_digits"):  # Python 3.11, and security releases of 3.9 and 3.10
    _SETTINGS["digits"] = (sys.get_int_max_str_digits, sys.set_int_max_str_digits)

# Each setting functions' code changed: its value before the first change, and the value the last one gave it.
_changed: Dict[str, Tuple[Any, Any]] = {}
_lock = threading.RLock()  # a collection inside a setter may run a finalizer that calls one on the same thread


class _Setter:
    """Stands in for a setter: from an environment's threads, it notes the setting's value before and after."""

    def __init__(self, owner: Any, name: str, setting: str) -> None:
        self.setting = setting
        self.swap = Swap(owner, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if current() is None:
            return self.swap.call(*args, **kwargs)
        read = _SETTINGS[self.setting][0]
        with _lock:  # another function's thread changing it at once must not be taken for the value before
            before = read()
            result = self.swap.call(*args, **kwargs)
            _changed[self.setting] = (_changed.get(self.setting, (before,))[0], read())
        return result


def restore() -> None:
    """Put back what functions' code changed, where the setting still has the value it gave (a change made since is
    its maker's)."""
    with _lock:
        for setting, (before, given) in _changed.items():
            read, write = _SETTINGS[setting]
            if read() == given:
                write(before)
        _changed.clear()


_SETTERS = [(sys, "setrecursionlimit", "recursion limit"), (sys, "setswitchinterval", "switch interval"),
            (gc, "disable", "collection"), (gc, "enable", "collection"), (gc, "set_threshold", "thresholds"),
            (sys, "set_int_max_str_digits", "digits")]
SWAPS: List[Swap] = [_Setter(owner, name, setting).swap for owner, name, setting in _SETTERS if hasattr(owner, name)]
