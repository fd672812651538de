"""Work to do on other libraries' modules: at once where they are loaded, and each time one of them loads.

wrapt's post-import hooks fire once per name, from a finder that wrapt puts in ``sys.meta_path`` once. pytester's
inline runs (as other tools that put ``sys.modules`` and ``sys.meta_path`` back) drop the modules imported
meanwhile and that finder too: moto or aiobotocore loaded again would then go unwrapped, and aiobotocore's
requests would be sent. So the hooks here stay for every load, and the finder is put in at every start (and taken
out when the last mock stops: a module loaded meanwhile is handled at the next start, as one loaded before).
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable, Iterable, Optional, Sequence

Hook = Callable[[Any], None]

_hooks: dict[str, list[Hook]] = {}  # each module name: what to call with that module once it is loaded
_lock = threading.Lock()


def watch(names: Iterable[str], hook: Hook) -> None:
    """Call ``hook`` with each named module that is loaded, and again each time one loads; it must bear repeats."""
    with _lock:
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)
        names = list(names)
        for name in names:
            hooks = _hooks.setdefault(name, [])
            if hook not in hooks:
                hooks.append(hook)
    for name in names:
        module = sys.modules.get(name)
        if module is not None:
            hook(module)


def withdraw() -> None:
    """Take the finder out of ``sys.meta_path``: no mock is active, and the next start puts it back."""
    with _lock:
        if _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)


class _Finder:
    """Finds no module itself: the spec that the finders after it give a watched module loads it, then calls its hooks."""

    def find_spec(self, name: str, path: Optional[Sequence[str]], target: Any = None) -> Any:
        if name not in _hooks:
            return None
        finders = sys.meta_path
        after = finders[finders.index(self) + 1:] if self in finders else finders
        for finder in after:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                if getattr(spec.loader, "exec_module", None) is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


class _Loader:
    """A watched module's loader: the one found for it, then its hooks, once it is executed."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        # The module keeps the loader that loaded it, as if nothing stood between.
        module.__loader__ = module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        with _lock:
            hooks = list(_hooks.get(module.__name__, ()))
        for hook in hooks:
            hook(module)


_FINDER = _Finder()
