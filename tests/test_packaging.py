"""``lambdamock.package``: deployment zips from a dict or a directory, byte-identical for the same content."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lambdamock import package
from tests.helpers import ROLE


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def test_a_dict_of_text_and_bytes_becomes_a_sorted_zip() -> None:
    data = package({"pkg/mod.py": b"VALUE = 2\n", "app.py": "from pkg.mod import VALUE\n"})
    assert names(data) == ["app.py", "pkg/mod.py"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("pkg/mod.py") == b"VALUE = 2\n"
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        # Compressed, as zip does it: what counts against Lambda's 50 MB for a zip sent in the request.
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_the_same_content_gives_the_same_bytes_whatever_the_order() -> None:
    assert package({"a.py": "1", "b.py": "2"}) == package({"b.py": "2", "a.py": "1"})
    assert package({"a.py": "1"}) != package({"a.py": "2"})


def test_a_directory_is_zipped_without_caches_and_keeps_executables(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 1\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.py").write_text("X = 1\n")
    (tmp_path / "lib" / "util.pyc").write_bytes(b"stale")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"stale")
    (tmp_path / "__pycache__" / "lock").write_bytes(b"")  # the folder is left out, not only its *.pyc
    (tmp_path / "lib" / "util.pyo").write_bytes(b"stale")
    tool = tmp_path / "bin" / "tool"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\necho hi\n")
    tool.chmod(0o755)
    (tmp_path / "bin" / "mine").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "mine").chmod(0o744)  # executable by its owner: executable in the zip
    data = package(tmp_path)
    assert names(data) == ["app.py", "bin/mine", "bin/tool", "lib/util.py"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        assert {info.create_system for info in archive.infolist()} == {3}  # Unix: the modes are meant
    # Regular files, as zip records them (S_IFREG with the permissions).
    assert modes == {"app.py": 0o100644, "bin/mine": 0o100755, "bin/tool": 0o100755, "lib/util.py": 0o100644}
    os.utime(tmp_path / "app.py", (0, 0))  # file times never reach the zip
    assert package(str(tmp_path)) == data


def test_code_sha256_is_stable_across_runs(client: Any) -> None:
    files = {"app.py": "def handler(event, context):\n    return event\n"}
    first = client.create_function(FunctionName="a", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": package(files)})
    second = client.create_function(FunctionName="b", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                    Code={"ZipFile": package(dict(files))})
    assert first["CodeSha256"] == second["CodeSha256"]
    assert json.loads(client.invoke(FunctionName="a", Payload=b"[1]")["Payload"].read()) == [1]


def test_anything_else_is_refused(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    with pytest.raises(NotADirectoryError, match="a dict of files or a directory"):
        package(tmp_path / "app.py")
    with pytest.raises(FileNotFoundError, match="no directory"):
        package(tmp_path / "missing")


@pytest.mark.parametrize("name", ["../app.py", "/app.py", "pkg/../../app.py", "", "./app.py", "pkg//app.py",
                                  "pkg/", "x" * 256 + ".py"])
def test_a_name_lambda_cannot_extract_is_refused_naming_it(name: str) -> None:
    # CreateFunction would refuse the zip with no word of which entry; package() names it.
    with pytest.raises(ValueError, match="relative file names") as refused:
        package({name: "x = 1\n"})
    assert repr(name) in str(refused.value)
    with pytest.raises(TypeError, match="file names as str, not int"):
        package({7: "x = 1\n"})  # type: ignore[dict-item]


def test_names_lambda_extracts_are_taken(client: Any) -> None:
    files = {"app.py": "def handler(event, context):\n    return 1\n", "a..b.py": "", "x" * 252 + ".py": ""}
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package(files)})


@pytest.mark.parametrize("content", [123, None, ["x = 1"]])
def test_content_that_is_neither_text_nor_bytes_is_refused(content: object) -> None:
    with pytest.raises(TypeError, match=r"text or bytes for 'app\.py'"):
        package({"app.py": content})  # type: ignore[dict-item]
    assert package({"app.py": bytearray(b"x = 1\n")}) == package({"app.py": "x = 1\n"})
    assert package({"app.py": memoryview(b"x = 1\n")}) == package({"app.py": "x = 1\n"})


def test_text_is_written_as_utf_8_as_python_reads_source(client: Any) -> None:
    data = package({"app.py": "def handler(event, context):\n    return 'caf\u00e9'\n"})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("app.py").endswith("return 'caf\u00e9'\n".encode("utf-8"))
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": data})
    assert json.loads(client.invoke(FunctionName="f")["Payload"].read()) == "caf\u00e9"


def test_a_directory_s_links_are_followed_as_zip_r_follows_them(tmp_path: Path, client: Any) -> None:
    # Found in review: a linked package directory was left out (the handler could not import it), and a link that
    # leads nowhere (an editor's lock file) raised FileNotFoundError from deep in package().
    source, vendored = tmp_path / "src", tmp_path / "vendored" / "lib"
    vendored.mkdir(parents=True)
    source.mkdir()
    (vendored / "__init__.py").write_text("def f():\n    return 'vendored'\n")
    (source / "app.py").write_text("from lib import f\ndef handler(e, c):\n    return f()\n")
    (source / "lib").symlink_to(vendored)
    (source / "loop").symlink_to(source)  # a loop is not walked round
    (source / ".#app.py").symlink_to("user@host.1234:1700000000")
    data = package(source)
    assert names(data) == ["app.py", "lib/__init__.py"]
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": data})
    assert json.loads(client.invoke(FunctionName="f")["Payload"].read()) == "vendored"


@pytest.mark.parametrize(("files", "text"), [
    ({"a": "x", "a/b.py": "y"}, "'a' as a file and as 'a/b.py''s directory"),
    ({"x\0y.py": "x"}, "relative file names"),
])
def test_names_no_file_system_holds_together_are_refused_naming_them(files: dict[str, str], text: str) -> None:
    # Found in review: taken by package(), then refused by CreateFunction as "Could not unzip uploaded file" (the
    # NUL one was cut short at the NUL, to a file named "x").
    with pytest.raises(ValueError, match=re.escape(text)):
        package(files)


def test_links_that_lead_round_a_loop_between_directories_end(tmp_path: Path) -> None:
    # Found in review: a loop between sibling directories (a/to_b -> b, b/to_a -> a) was walked round until the
    # operating system refused the path (with two links each way, the walk doubled at every level).
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    (tmp_path / "a" / "x.py").write_text("x = 1\n")
    for number in (1, 2):
        (tmp_path / "a" / f"to_b{number}").symlink_to("../b")
        (tmp_path / "b" / f"to_a{number}").symlink_to("../a")
    assert names(package(tmp_path)) == ["a/x.py", "b/to_a1/x.py", "b/to_a2/x.py"]
    # A check for changes walks each directory once, however many ways lead to it.
    from lambdamock.packaging import tree

    assert [name for name, _ in tree(str(tmp_path), once=True)] == ["a/x.py"]
