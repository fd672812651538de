"""Deployment package zips: checked entry by entry as Lambda checks them at upload, extracted with their modes."""

from __future__ import annotations

import contextlib
import io
import lzma
import os
import shutil
import stat
import zipfile
import zlib
from typing import IO, Iterator

# Lambda's quotas for a deployment package (GetAccountSettings reports the same numbers).
ZIPPED_LIMIT = 52428800
UNZIPPED_LIMIT = 262144000
# "Unzipped size must be smaller than 262144000 bytes": a package of exactly that size is refused (recorded:
# LocalStack test_lambda_api.snapshot.json, TestLambdaSizeLimits::test_oversized_unzipped_lambda).
_MOST = UNZIPPED_LIMIT - 1
_CHUNK = 1 << 20
_NAME_BYTES = 255  # the longest file name most file systems hold
# What Python's zipfile can inflate; Lambda refuses the rest (deflate64, PPMd, ...) at upload.
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})


class Unreadable(Exception):
    """The archive cannot be unzipped as Lambda unzips it (corrupt, encrypted, unsupported, unholdable names)."""


class TooLarge(Exception):
    """The archive unzips to more than Lambda allows."""


class Empty(Exception):
    """The archive holds no entry at all."""


def entry_parts(name: str) -> list[str]:
    """The path components of an entry; Unreadable for names no file system (or no safe extraction) can hold.

    A "." names the folder it is in, as Lambda takes it: SST's zips start with "./", their own top (none left).
    """
    if name.startswith("/"):
        raise Unreadable(f"entry name {name!r} cannot be extracted")
    parts = [part for part in name.rstrip("/").split("/") if part != "."]
    for part in parts:
        if part in ("", "..") or len(part.encode("utf-8", "surrogateescape")) > _NAME_BYTES:
            raise Unreadable(f"entry name {name!r} cannot be extracted")
    if not parts and not name.endswith("/"):
        raise Unreadable(f"entry name {name!r} names no file")  # "." or "./.": the package's top, as a file
    return parts


def _entries(archive: zipfile.ZipFile) -> Iterator[tuple[zipfile.ZipInfo, str]]:
    """Every entry with its checked relative path; Unreadable for a file that is also a directory."""
    files: set[str] = set()
    directories: set[str] = set()
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise Unreadable(f"{info.filename} is encrypted")
        if info.compress_type not in _METHODS:
            raise Unreadable(f"{info.filename} uses compression method {info.compress_type}")
        parts = entry_parts(info.filename)
        path = "/".join(parts)
        (directories if info.is_dir() else files).add(path)
        directories.update("/".join(parts[:end]) for end in range(1, len(parts)))
        yield info, path
    if files & directories:
        raise Unreadable(f"{sorted(files & directories)[0]} is both a file and a directory")


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
        raise Unreadable(str(error)) from None


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: IO[bytes], budget: int) -> int:
    """Stream one entry into ``target`` (its CRC is checked at the end); the bytes it held, within ``budget``."""
    total = 0
    try:
        with archive.open(info) as source:
            for chunk in iter(lambda: source.read(_CHUNK), b""):
                total += len(chunk)
                if total > budget:
                    raise TooLarge()
                target.write(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError, OSError, zlib.error,
            lzma.LZMAError) as error:
        # A bad CRC, a truncated stream, a corrupt deflate/bzip2/lzma stream.
        raise Unreadable(str(error)) from None
    return total


class _Discard(io.RawIOBase):
    def write(self, data: bytes) -> int:  # type: ignore[override]
        return len(data)


def unzipped_size(data: bytes) -> int:
    """Read every entry through, as Lambda does at upload; the unzipped size, or Unreadable / TooLarge / Empty."""
    with _open(data) as archive:
        entries = list(_entries(archive))
        if not entries:
            raise Empty()
        if sum(info.file_size for info, _ in entries) > _MOST:
            raise TooLarge()
        total = 0
        sink = _Discard()
        for info, _ in entries:
            if not info.is_dir():
                total += _copy(archive, info, sink, _MOST - total)  # type: ignore[arg-type]
        return total


def extract(zips: list[bytes], root: str) -> None:
    """Unzip each of ``zips`` in turn into ``root``, keeping the file modes a Unix zip tool recorded (0755 stays
    executable) and its symbolic links.

    A later archive (layers are merged in order) wins: an entry replaces a file (even a read-only one), a folder
    or a link in its way. Nothing is ever written through a link: one in an entry's way is replaced too.
    """
    links: list[str] = []
    for data in zips:
        with _open(data) as archive:
            budget = _MOST
            for info, path in _entries(archive):
                if not path:
                    continue  # "./": the top folder, which is there
                parts = path.split("/")
                target = os.path.join(root, *parts)
                if links and _through_link(root, parts):
                    _make_way(root, parts, info.is_dir())
                try:
                    budget -= _place(archive, info, path, target, budget)
                except (FileExistsError, NotADirectoryError, IsADirectoryError, PermissionError):
                    _make_way(root, parts, info.is_dir())
                    budget -= _place(archive, info, path, target, budget)
                if _is_link(info):
                    links.append(target)
    _confine(root, links)


def _confine(root: str, links: list[str]) -> None:
    """Leave out the links that lead out of ``root``, now that all are made: one may lead through another that
    came later. Leaving one out may let another lead out, so until none does."""
    top = os.path.realpath(root)
    confined = False
    while not confined:
        confined = True
        for link in links:
            real = os.path.realpath(link)
            if os.path.islink(link) and real != top and not real.startswith(top + os.sep):
                os.remove(link)
                confined = False


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _through_link(root: str, parts: list[str]) -> bool:
    return any(os.path.islink(os.path.join(root, *parts[:end])) for end in range(1, len(parts) + 1))


def _place(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, target: str, budget: int) -> int:
    """Write one entry at ``target`` (``path`` in the archive); the bytes it held."""
    if info.is_dir():
        os.makedirs(target, exist_ok=True)
        return 0
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if _is_link(info):
        if os.path.lexists(target):
            raise FileExistsError(target)  # a later archive's link replaces it, even one that is left out
        return _link(archive, info, path, target, budget)
    with open(target, "wb") as handle:
        written = _copy(archive, info, handle, budget)
    mode = stat.S_IMODE(info.external_attr >> 16)
    if mode and info.create_system == 3:  # made on Unix: the mode is meaningful
        os.chmod(target, mode)
    return written


def _link(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, target: str, budget: int) -> int:
    """A symbolic link, as Lambda's unzip makes it; one that leads out of the package is left out (a dangling
    link, as it would be in the sandbox; see _confine for links that lead out through others)."""
    held = io.BytesIO()
    written = _copy(archive, info, held, budget)
    leads_to = held.getvalue().decode("utf-8", "surrogateescape")
    inside = os.path.normpath(os.path.join(os.path.dirname(path), leads_to))
    if leads_to and not os.path.isabs(leads_to) and inside != ".." and not inside.startswith("../"):
        with contextlib.suppress(ValueError, OSError):  # a NUL in it, or too long a path: dangling in the sandbox
            os.symlink(leads_to, target)
    return written


def _make_way(root: str, parts: list[str], is_dir: bool) -> None:
    """Remove what an earlier archive left where this entry goes: a file as a parent, or the entry's own place."""
    for end in range(1, len(parts) + 1):
        here = os.path.join(root, *parts[:end])
        if os.path.isdir(here) and not os.path.islink(here):
            if end == len(parts) and not is_dir:
                shutil.rmtree(here)
        elif os.path.lexists(here):
            os.remove(here)
            return
