"""Per-environment module namespaces: a function's own modules never enter sys.modules for good."""

from __future__ import annotations

import builtins
import importlib.machinery
import importlib.metadata
import importlib.util
import re
import sys
import threading
from types import ModuleType
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence

from lambdamock.runtime import workdir
from lambdamock.runtime.exposure import exposure, unrouted

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

    def __init__(self, search: Sequence[str], tops: FrozenSet[str], fallback: ImportFunc,
                 process_distributions: FrozenSet[str] = frozenset()) -> None:
        # The directories a top-level name is looked for in, first match first, as along sys.path.
        self.search = list(search)
        self.tops = tops
        # Distributions in `search` whose modules the test process serves (see code.CodeDir): not the function's.
        self.process_distributions = process_distributions
        self.modules: Dict[str, ModuleType] = {}
        self._fallback = fallback
        # Reentrant: a module's top-level code imports its siblings through this same namespace.
        self._lock = threading.RLock()
        # Own finders rather than PathFinder's: its namespace packages look their parent up in
        # sys.modules, and it would leave our directories in sys.path_importer_cache.
        self._finders: Dict[str, importlib.machinery.FileFinder] = {}
        self.builtins = _Builtins(__import__=self.import_)
        # True while the environment runs code: its modules are then in sys.modules (see exposure).
        self.exposed = False

    def expose(self) -> None:
        """Show this namespace's modules in sys.modules, as a running environment's modules are."""
        with self._lock:
            self.exposed = True
            for name, module in self.modules.items():
                exposure.show(name, module)

    def hide(self) -> None:
        with self._lock:
            self.exposed = False
            for name, module in self.modules.items():
                exposure.hide(name, module)

    def owns(self, module: ModuleType) -> bool:
        module = unrouted(module)
        return self.modules.get(getattr(module, "__name__", "")) is module

    def reload(self, module: ModuleType) -> ModuleType:
        """importlib.reload for one of this namespace's modules: run its (current) source again in place."""
        module = unrouted(module)
        with self._lock:
            spec = self._find(module.__name__, self._search(module.__name__))
            if spec is None or spec.loader is None:
                raise ModuleNotFoundError(f"spec not found for the module {module.__name__!r}", name=module.__name__)
            spec.loader.exec_module(module)
            return module

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
            search = self._search(absname)
            spec = self._find(absname, search)
            if spec is None:
                raise ModuleNotFoundError(f"No module named {absname!r}", name=absname)
            module = importlib.util.module_from_spec(spec)
            loader = spec.loader
            if isinstance(loader, _SOURCE_LOADERS):
                module.__builtins__ = self.builtins  # type: ignore[attr-defined]
            self.modules[absname] = module
            # In sys.modules while its top-level code runs, as a real import does (dataclasses and
            # typing read it there), and for as long as the environment runs when it does now.
            exposure.show(absname, module)
            try:
                if loader is not None:
                    loader.exec_module(module)
            except BaseException:
                del self.modules[absname]
                exposure.hide(absname, module)
                raise
            finally:
                if not self.exposed:
                    exposure.hide(absname, module)
            if parent is not None:
                setattr(parent, child, module)
            return module

    def _search(self, absname: str) -> List[str]:
        """Where ``absname`` is looked for: the root for a top-level name, its package's path otherwise."""
        parent_name = absname.rpartition(".")[0]
        if not parent_name:
            return list(self.search)
        search = getattr(self.modules[parent_name], "__path__", None)
        if search is None:
            raise ModuleNotFoundError(f"No module named {absname!r}; {parent_name!r} is not a package", name=absname)
        return list(search)


class Distributions:
    """A sys.meta_path finder of installed distributions only (importlib.metadata's): for a function's code, those of
    its task root and layers, found before the test process's, as on Lambda's sys.path."""

    def __init__(self, namespace_of: Callable[[], Optional[Namespace]]) -> None:
        self._namespace_of = namespace_of

    def find_spec(self, *_: Any) -> None:
        return None  # modules are the namespaces' to find

    def find_distributions(
        self, context: Optional[importlib.metadata.DistributionFinder.Context] = None
    ) -> Iterator[importlib.metadata.Distribution]:
        namespace = self._namespace_of()
        if namespace is None or (context is not None and "path" in vars(context)):  # a caller's own paths
            return
        name = None if context is None else context.name
        mine = importlib.metadata.DistributionFinder.Context(name=name, path=namespace.search)
        hidden = namespace.process_distributions
        for found in importlib.metadata.MetadataPathFinder.find_distributions(mine):
            # The version of a module the test process serves is the process's distribution's.
            if not hidden or canonical_name(_name_of(found)) not in hidden:
                yield found
        resolved = workdir.process_path()
        if resolved is not None:
            # The test process's, as it resolves its sys.path: the finder after this one takes '' and relative
            # entries from this thread's directory, the task root. One looked for by name is the first along the
            # whole path; a listing adds only what the entries resolved otherwise hold.
            if name is None:
                resolved = [entry for entry in resolved if entry not in sys.path]
            yield from importlib.metadata.MetadataPathFinder.find_distributions(
                importlib.metadata.DistributionFinder.Context(name=name, path=resolved))


def _name_of(distribution: importlib.metadata.Distribution) -> str:
    try:
        return str(distribution.metadata["Name"] or "")
    except KeyError:  # Python 3.14's metadata raises for a missing field
        return ""


def canonical_name(name: str) -> str:
    """A distribution's name as packaging compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()

