"""``package()``: deployment package zips, byte-identical for the same content, from a dict or a directory."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from typing import Iterator, Mapping, Union

Files = Mapping[str, Union[str, bytes]]
# Every entry gets the same time, so the same content always gives the same bytes (and CodeSha256).
_EPOCH = (1980, 1, 1, 0, 0, 0)
_SKIPPED_DIRECTORIES = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


def _entry(name: str, executable: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix: the mode below is kept when Lambda (or lambdamock) extracts it
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    return info


def tree(root: str, *, once: bool = False) -> Iterator[tuple[str, str]]:
    """The files under ``root`` as ``zip -r`` takes them: (name in the archive, path), in order.

    Links are followed, to files and to directories, but not round a loop; with ``once``, a directory is walked
    once however many ways lead to it (a virtualenv's ``lib64``), as a check for changes needs. ``__pycache__``,
    ``*.pyc`` and links that lead nowhere (an editor's lock file, say) are left out.
    """
    top = _identity(os.stat(root))
    walked = {top}
    pending = [(root, "", frozenset(walked))]  # each directory with the ones that lead to it
    while pending:
        directory, prefix, above = pending.pop()
        try:
            # Real directories claim their identity before links to them do.
            entries = sorted(os.scandir(directory), key=lambda entry: (entry.is_symlink(), entry.name))
        except OSError:
            continue  # unreadable, or removed while we looked
        subdirectories = []
        files = []
        for entry in entries:
            try:
                is_directory = entry.is_dir()
                if is_directory and entry.name not in _SKIPPED_DIRECTORIES:
                    identity = _identity(entry.stat())
                    if identity not in (walked if once else above):
                        walked.add(identity)
                        subdirectories.append((entry.path, f"{prefix}{entry.name}/", above | {identity}))
                elif not is_directory and not entry.name.endswith(_SKIPPED_SUFFIXES):
                    if entry.is_symlink() and not os.path.exists(entry.path):
                        continue  # leads nowhere
                    files.append((f"{prefix}{entry.name}", entry.path))
            except OSError:
                continue  # removed while we looked
        yield from sorted(files)
        pending.extend(sorted(subdirectories, reverse=True))  # the first by name is walked next


def _identity(status: os.stat_result) -> tuple[int, int]:
    return status.st_dev, status.st_ino


def _from_directory(root: str) -> dict[str, tuple[bytes, bool]]:
    found: dict[str, tuple[bytes, bool]] = {}
    for name, path in tree(root):
        with open(path, "rb") as handle:
            data = handle.read()
        found[name] = (data, bool(os.stat(path).st_mode & stat.S_IXUSR))
    return found


def _name(name: object) -> str:
    """A file's name in the archive, as Lambda extracts it; refused here, naming it, rather than by CreateFunction."""
    from lambdamock.runtime import archive  # here: the runtime is not imported until it is needed

    if not isinstance(name, str):
        raise TypeError(f"package() takes file names as str, not {type(name).__name__}")
    try:
        archive.entry_parts(name)
    except archive.Unreadable:
        bad = True
    else:
        # A directory's entry (its content would be lost), a NUL, where a zip's name would end, or a "." that Lambda
        # would read past (two names for one file).
        bad = name.endswith("/") or "\0" in name or "." in name.split("/")
    if bad:
        raise ValueError(f"package() takes relative file names inside the package, not {name!r}")
    return name


def _no_file_is_a_directory(names: Mapping[str, object]) -> None:
    """Refuse a name that is also another's directory, which no file system holds (CreateFunction would refuse it)."""
    for name in names:
        parts = name.split("/")
        for end in range(1, len(parts)):
            if "/".join(parts[:end]) in names:
                raise ValueError(f"package() takes {'/'.join(parts[:end])!r} as a file and as {name!r}'s directory")


def _content(name: str, content: object) -> bytes:
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    raise TypeError(f"package() takes text or bytes for {name!r}, not {type(content).__name__}")


def package(source: Union[Files, str, "os.PathLike[str]"]) -> bytes:
    """A deployment package for ``Code={"ZipFile": ...}``, always the same bytes for the same content.

    ``source`` is either ``{"app.py": "...", "pkg/mod.py": b"..."}`` (archive name to text or bytes)
    or the path of a directory, zipped with everything under it but ``__pycache__`` and ``*.pyc``
    (executable files stay executable). Entries are sorted and timestamped alike.
    """
    if isinstance(source, Mapping):
        files = {_name(name): (_content(name, content), False) for name, content in source.items()}
        _no_file_is_a_directory(files)
    else:
        root = os.fspath(source)
        if not os.path.exists(root):
            raise FileNotFoundError(f"package() found no directory {root!r}")
        if not os.path.isdir(root):
            raise NotADirectoryError(f"package() takes a dict of files or a directory, not {root!r}")
        files = _from_directory(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            data, executable = files[name]
            archive.writestr(_entry(name, executable), data)
    return buffer.getvalue()
