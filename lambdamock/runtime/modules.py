"""Per-environment module namespaces: a function's own modules never enter sys.modules for good."""

from __future__ import annotations

import builtins
import contextlib
import importlib.machinery
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence

ImportFunc = Callable[..., ModuleType]

_SOURCE_LOADERS = (importlib.machinery.SourceFileLoader, importlib.machinery.SourcelessFileLoader)
_LOADERS = (
    (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
    (importlib.machinery.SourceFileLoader, importlib.machinery.SOURCE_SUFFIXES),
    (importlib.machinery.SourcelessFileLoader, importlib.machinery.BYTECODE_SUFFIXES),
)


class _Builtins(Dict[str, Any]):
    """Builtins for function modules: their own __import__, everything else live from `builtins`."""

    def __missing__(self, key: str) -> Any:
        # Looked up live (not copied) so unittest.mock.patch("builtins.open") reaches handler code.
        return builtins.__dict__[key]


class _Visibility:
    """Shows a module in sys.modules while its top-level code runs, as a real import does.

    dataclasses, typing.get_type_hints and `sys.modules[__name__]` read sys.modules during class
    creation. Entries are stacked per name so overlapping imports of the same name by two
    environments always end with the process's own entry (or none) restored.
    """

    _MISSING = object()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._saved: Dict[str, object] = {}
        self._active: Dict[str, List[ModuleType]] = {}

    @contextlib.contextmanager
    def showing(self, name: str, module: ModuleType) -> Iterator[None]:
        with self._lock:
            if name not in self._active:
                self._saved[name] = sys.modules.get(name, self._MISSING)
                self._active[name] = []
            self._active[name].append(module)
            sys.modules[name] = module
        try:
            yield
        finally:
            with self._lock:
                stack = self._active[name]
                stack.remove(module)
                if stack:
                    sys.modules[name] = stack[-1]
                else:
                    del self._active[name]
                    saved = self._saved.pop(name)
                    if saved is self._MISSING:
                        sys.modules.pop(name, None)
                    else:
                        sys.modules[name] = saved  # type: ignore[assignment]


_visibility = _Visibility()


def process_import(
    name: str,
    globals: Optional[Mapping[str, Any]] = None,
    locals: Optional[Mapping[str, Any]] = None,
    fromlist: Sequence[str] = (),
    level: int = 0,
) -> ModuleType:
    """The process's __import__, looked up at each call so that a test patching it is obeyed."""
    return builtins.__import__(name, globals, locals, fromlist, level)


def resolve_relative(name: str, package: Optional[str], level: int) -> str:
    """The absolute name of a relative import, with the errors Python raises."""
    if not package:
        raise ImportError("attempted relative import with no known parent package")
    bits = package.rsplit(".", level - 1)
    if len(bits) < level:
        raise ImportError("attempted relative import beyond top-level package")
    return f"{bits[0]}.{name}" if name else bits[0]


def _package_of(globals_: Optional[Mapping[str, Any]]) -> Optional[str]:
    if not globals_:
        return None
    package = globals_.get("__package__")
    if package is None and globals_.get("__spec__") is not None:
        package = globals_["__spec__"].parent
    return package


class Namespace:
    """A private module table for the names `tops`, found along `search`; other names go to `fallback`."""

    def __init__(self, search: Sequence[str], tops: FrozenSet[str], fallback: ImportFunc) -> None:
        # The directories a top-level name is looked for in, first match first, as along sys.path.
        self.search = list(search)
        self.tops = tops
        self.modules: Dict[str, ModuleType] = {}
        self._fallback = fallback
        # Reentrant: a module's top-level code imports its siblings through this same namespace.
        self._lock = threading.RLock()
        # Own finders rather than PathFinder's: its namespace packages look their parent up in
        # sys.modules, and it would leave our directories in sys.path_importer_cache.
        self._finders: Dict[str, importlib.machinery.FileFinder] = {}
        self.builtins = _Builtins(__import__=self.import_)

    def import_(
        self,
        name: str,
        globals: Optional[Mapping[str, Any]] = None,
        locals: Optional[Mapping[str, Any]] = None,
        fromlist: Sequence[str] = (),
        level: int = 0,
    ) -> ModuleType:
        """builtins.__import__ for this namespace's modules."""
        absname = resolve_relative(name, _package_of(globals), level) if level else name
        if absname.partition(".")[0] not in self.tops:
            return self._fallback(name, globals, locals, fromlist, level)
        module = self.load(absname)
        if fromlist:
            if hasattr(module, "__path__"):
                self._load_fromlist(absname, module, fromlist)
            return module
        # `import a.b` binds `a`; same rule as importlib for the relative form.
        cut = len(absname) - len(name) + len(name.partition(".")[0])
        return self.modules[absname[:cut]] if level else self.modules[absname.partition(".")[0]]

    def import_module(self, name: str, package: Optional[str]) -> Optional[ModuleType]:
        """importlib.import_module for this namespace's names; None for names it does not own."""
        if name.startswith("."):
            level = len(name) - len(name.lstrip("."))
            name = resolve_relative(name[level:], package, level)
        if name.partition(".")[0] not in self.tops:
            return None
        return self.load(name)

    def _load_fromlist(self, absname: str, module: ModuleType, fromlist: Sequence[str]) -> None:
        for item in fromlist:
            if item == "*":
                names = getattr(module, "__all__", None)
                if names:
                    self._load_fromlist(absname, module, [n for n in names if n != "*"])
            elif not hasattr(module, item):
                child = f"{absname}.{item}"
                try:
                    self.load(child)
                except ModuleNotFoundError as error:
                    # Not a submodule: Python itself then reports "cannot import name".
                    if error.name != child:
                        raise

    def _find(self, absname: str, search: List[str]) -> Optional[importlib.machinery.ModuleSpec]:
        # The path-based finder's rule: the first regular module or package wins; otherwise the
        # directories found along the way form a namespace package.
        portions: List[str] = []
        for directory in search:
            finder = self._finders.get(directory)
            if finder is None:
                finder = self._finders[directory] = importlib.machinery.FileFinder(directory, *_LOADERS)
            spec = finder.find_spec(absname)
            if spec is None:
                continue
            if spec.loader is not None:
                return spec
            portions.extend(spec.submodule_search_locations or ())
        if not portions:
            return None
        spec = importlib.machinery.ModuleSpec(absname, None, is_package=True)
        spec.submodule_search_locations = portions
        return spec

    def load(self, absname: str) -> ModuleType:
        """The namespace's module `absname`, executing it (and its parents) on first use."""
        with self._lock:
            module = self.modules.get(absname)
            if module is not None:
                return module
            parent_name, _, child = absname.rpartition(".")
            parent: Optional[ModuleType] = None
            if parent_name:
                parent = self.load(parent_name)
                module = self.modules.get(absname)
                if module is not None:
                    return module
                search = getattr(parent, "__path__", None)
                if search is None:
                    raise ModuleNotFoundError(
                        f"No module named {absname!r}; {parent_name!r} is not a package", name=absname
                    )
            else:
                search = self.search
            spec = self._find(absname, list(search))
            if spec is None:
                raise ModuleNotFoundError(f"No module named {absname!r}", name=absname)
            module = importlib.util.module_from_spec(spec)
            loader = spec.loader
            if isinstance(loader, _SOURCE_LOADERS):
                module.__builtins__ = self.builtins  # type: ignore[attr-defined]
            self.modules[absname] = module
            try:
                with _visibility.showing(absname, module):
                    if loader is not None:
                        loader.exec_module(module)
            except BaseException:
                del self.modules[absname]
                raise
            if parent is not None:
                setattr(parent, child, module)
            return module
