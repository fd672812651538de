"""Function code and layers on disk: each extracted once per Runtime, and which of their names are whose."""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import importlib.machinery
import os
import shutil
import sys
import sysconfig
import tempfile
import threading
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from lambdamock.errors import MockStoppedError
from lambdamock.runtime import archive, snapshots, workdir
from lambdamock.runtime.exposure import exposure
from lambdamock.runtime.modules import Namespace, canonical_name, process_import
from lambdamock.runtime.spec import FunctionSpec

# The SDK always resolves to the test process's copy, even when the zip bundles its own: that
# copy is the one lambdamock (and moto) patch, so a handler's AWS calls stay mocked.
_PROCESS_ONLY = frozenset({"boto3", "botocore", "s3transfer"})
# What the Python runtime itself provides to handlers (its /var/runtime, after the code and its layers).
_PROVIDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "provided")
_EXTENSION_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)
_MODULE_SUFFIXES = tuple(importlib.machinery.all_suffixes())
_STDLIB_DIRS = tuple(
    os.path.normcase(os.path.realpath(sysconfig.get_paths()[key])) + os.sep for key in ("stdlib", "platstdlib")
)


def _loaded_from_stdlib(name: str) -> bool:
    # The Lambda runtime has imported much of the stdlib before the task root is searched, so a
    # zip's stray copy of, say, enum.py or typing.py never wins there; mirror that for loaded names.
    if name in sys.builtin_module_names:
        return True
    path = getattr(exposure.process_module(name), "__file__", None)
    if not path:
        return False
    path = os.path.normcase(os.path.realpath(path))
    return path.startswith(_STDLIB_DIRS) and "site-packages" not in path


def _top_name(entry: str, root: str) -> Optional[str]:
    # Any name the import system looks up at the top level, identifier or not: importlib.import_module("my-helper")
    # finds my-helper.py in the task root, as on AWS. A dot would name a submodule.
    if os.path.isdir(os.path.join(root, entry)):
        name = "" if entry == "__pycache__" else entry
    elif entry.endswith(_MODULE_SUFFIXES):
        name = entry.partition(".")[0]
    else:
        return None
    return name if name and "." not in name else None


def _distribution_tops(root: str, entry: str) -> Set[str]:
    # A *.dist-info directory marks what pip installed into the zip (third-party dependencies).
    info = os.path.join(root, entry)
    tops: Set[str] = set()
    try:
        with open(os.path.join(info, "top_level.txt"), encoding="utf-8") as handle:
            tops.update(line.strip() for line in handle if line.strip())
    except OSError:
        pass
    try:
        with open(os.path.join(info, "RECORD"), encoding="utf-8") as handle:
            for line in handle:
                first = line.split(",", 1)[0].split("/", 1)[0]
                if first and not first.endswith((".dist-info", ".data")) and first != "..":
                    tops.add(first.partition(".")[0] if first.endswith(_MODULE_SUFFIXES) else first)
    except OSError:
        pass
    return tops


def _has_extension(path: str) -> bool:
    return any(name.endswith(_EXTENSION_SUFFIXES) for _, _, files in os.walk(path) for name in files)


def _classify(root: str) -> Tuple[Set[str], Set[str]]:
    """A folder's top-level names: the code's own, and the dependencies installed into it."""
    entries = sorted(os.listdir(root))
    vendored: Set[str] = set()
    for entry in entries:
        if entry.endswith(".dist-info"):
            vendored |= _distribution_tops(root, entry)
    own: Set[str] = set()
    for entry in entries:
        name = _top_name(entry, root)
        if name is None or name in _PROCESS_ONLY or _loaded_from_stdlib(name):
            continue
        if entry.endswith(_EXTENSION_SUFFIXES) or (
            os.path.isdir(os.path.join(root, entry)) and _has_extension(os.path.join(root, entry))
        ):
            # Native extensions cannot be initialised twice in one process: treat as dependency.
            vendored.add(name)
        own.add(name)
    return own - vendored, {name for name in vendored if _top_name_exists(root, name)}


class CodeDir:
    """Code as its environments see it: the task root, then its layers' Python folders, then the runtime's own.

    A top-level name belongs to the first folder that has it, as along the runtime's sys.path.
    The code's own names are fresh per environment; installed dependencies are shared by every
    environment of this code (and these layers).
    """

    def __init__(self, root: str, opt: Optional[str] = None, layer_paths: Sequence[str] = ()) -> None:
        self.root = root
        self.opt = opt
        search = [root, *(path for path in [*layer_paths, _PROVIDED] if os.path.isdir(path))]
        own: Set[str] = set()
        shared: Set[str] = set()
        process: Set[str] = set()
        seen: Set[str] = set()
        for directory in search:
            mine, installed = _classify(directory)
            own |= mine - seen
            # Dependencies the test process can import itself come from there (one copy, already
            # loaded, native parts included); the rest are loaded once per code and shared.
            fresh = installed - seen
            ours = {
                name
                for name in fresh
                if name not in _PROCESS_ONLY
                and exposure.process_module(name) is None
                and importlib.machinery.PathFinder.find_spec(name, workdir.process_path()) is None
            }
            shared |= ours
            process |= fresh - ours
            seen |= mine | installed
        # SnapStart's hook registry is each environment's own, whoever supplies it (the zip, a layer, the runtime).
        own.add(snapshots.MODULE)
        shared.discard(snapshots.MODULE)
        self.search = search
        self.own_tops: FrozenSet[str] = frozenset(own)
        self.shared_tops = frozenset(shared)
        self.shared = Namespace(search, self.shared_tops, process_import)
        # What importlib.metadata does not show the function: distributions whose modules come from the test
        # process, which tells their version itself.
        self.process_distributions = frozenset(_distributions_of(search, process)) if process else frozenset()

    def namespace(self) -> Namespace:
        """A fresh module table for one execution environment."""
        fallback = self.shared.import_ if self.shared_tops else process_import
        return Namespace(self.search, self.own_tops, fallback, self.process_distributions)


def _distributions_of(search: Sequence[str], names: Set[str]) -> Set[str]:
    """The canonical names of the distributions in ``search`` that installed any of ``names``."""
    found: Set[str] = set()
    for directory in search:
        for entry in os.listdir(directory):
            if entry.endswith(".dist-info") and _distribution_tops(directory, entry) & names:
                found.add(canonical_name(entry.partition("-")[0]))
    return found


def _top_name_exists(root: str, name: str) -> bool:
    if os.path.isdir(os.path.join(root, name)):
        return True
    return any(entry.partition(".")[0] == name and entry.endswith(_MODULE_SUFFIXES) for entry in os.listdir(root))


def _layer_paths(opt: str, runtime: str) -> List[str]:
    """Where the Python runtime looks in /opt, in its order (its bootstrap puts them after the task root)."""
    python = os.path.join(opt, "python")
    return [os.path.join(python, "lib", runtime, "site-packages"), python]


def fingerprint(root: str) -> str:
    """What a directory of code holds now (names, sizes, modification times): changes whenever it is edited."""
    from lambdamock.packaging import tree

    digest = hashlib.sha256()
    for name, path in tree(root, once=True):  # what package() zips, each directory once
        try:
            status = os.stat(path)
        except OSError:
            continue  # removed while we looked
        digest.update(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class CodeStore:
    """Code of one Runtime on disk: each zip and each ordered set of layers extracted once (removed on close);
    code in place used where it is."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Extracted folders by the zips merged into them, in order: one function zip, or a function's layers.
        self._trees: Dict[Tuple[str, ...], str] = {}
        self._dirs: Dict[Tuple[str, Tuple[str, ...], str], CodeDir] = {}
        self._base: Optional[str] = None
        self._closed = False

    @staticmethod
    def current(spec: FunctionSpec) -> FunctionSpec:
        """The spec as it runs now: for code in place, one whose config_key says what the tree holds."""
        if spec.code_dir is None:
            return spec
        return dataclasses.replace(spec, config_key=f"{spec.config_key}#{fingerprint(spec.code_dir)}")

    @staticmethod
    def _key(spec: FunctionSpec) -> Tuple[str, Tuple[str, ...], str]:
        layers = tuple(layer.code_sha256 for layer in spec.layers)
        # Code in place is read again whenever it changed (its config_key carries the tree's fingerprint);
        # the runtime names the layers' site-packages folder (python3.12 looks in python/lib/python3.12).
        code = spec.code_sha256 if spec.code_dir is None else f"in place {spec.config_key}"
        return code, layers, spec.runtime if layers else ""

    def ready(self, spec: FunctionSpec) -> Optional[CodeDir]:
        """The spec's code on disk with nothing to unzip now (put there before, or code in place without layers,
        which is where it is); None while a zip is still to be unzipped."""
        # Read without the lock, which get() holds while it unzips: the caller may be an event loop.
        key = self._key(spec)
        found = self._dirs.get(key)
        if found is None and spec.code_dir is not None and not spec.layers:
            if self._closed:
                raise MockStoppedError(MockStoppedError.STOPPED)
            found = self._dirs.setdefault(key, CodeDir(spec.code_dir))  # nothing to unzip: no lock to wait for
            if self._closed:  # closed meanwhile: nothing is kept
                self._dirs.pop(key, None)
                raise MockStoppedError(MockStoppedError.STOPPED)
        return found

    def get(self, spec: FunctionSpec) -> CodeDir:
        """The spec's code and layers on disk, extracting them on first use (code in place: as it is now)."""
        key = self._key(spec)
        layers = key[1]
        with self._lock:
            if self._closed:
                # A late caller (a thread that outlived close) must not leave a new tree behind.
                raise MockStoppedError(MockStoppedError.STOPPED)
            found = self._dirs.get(key)
            if found is not None:
                return found
            root = spec.code_dir if spec.code_dir is not None else self._tree((spec.code_sha256,), [spec.code])
            if layers:
                opt = self._tree(layers, [layer.code for layer in spec.layers])
                found = CodeDir(root, opt, _layer_paths(opt, spec.runtime))
            else:
                found = CodeDir(root)
            return self._dirs.setdefault(key, found)  # ready() may have made code in place's meanwhile

    def _tree(self, key: Tuple[str, ...], zips: List[bytes]) -> str:
        # Caller holds the lock.
        found = self._trees.get(key)
        if found is not None:
            return found
        if self._base is None:
            # The pid tells whose tree it is when several processes run tests at once.
            self._base = tempfile.mkdtemp(prefix=f"lambdamock-{os.getpid()}-")
            _unremoved.add(self._base)
        root = tempfile.mkdtemp(dir=self._base)
        # The control plane judged each zip at upload; what fails here (a full disk) is the invocation's error.
        archive.extract(zips, root)
        self._trees[key] = root
        return root

    @property
    def roots(self) -> List[str]:
        """The trees lambdamock extracted (never the user's own directories of code in place)."""
        with self._lock:
            return list(self._trees.values())

    def close(self) -> None:
        """Delete every extracted tree (runaway handler threads may still hold files: ignored)."""
        with self._lock:
            self._closed = True
            base, self._base = self._base, None
            self._trees.clear()
            self._dirs.clear()
        if base is not None:
            shutil.rmtree(base, ignore_errors=True)
            _unremoved.discard(base)


# Trees of mocks never stopped (a notebook closed, a test run interrupted) go when the interpreter exits.
_unremoved: Set[str] = set()
# A forked child must not remove, at its exit, the trees its parent still runs.
os.register_at_fork(after_in_child=_unremoved.clear)


@atexit.register
def _remove_unremoved() -> None:
    for base in list(_unremoved):
        shutil.rmtree(base, ignore_errors=True)
