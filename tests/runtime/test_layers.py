"""Layers as the Python runtime sees them: merged in order, searched after the task root, private per environment."""

from __future__ import annotations

import atexit
import io
import json
import sys
import threading
import zipfile
from pathlib import Path
from typing import Dict

from lambdamock import package
from lambdamock.runtime import Runtime, archive
from tests.helpers import zip_with_links
from tests.runtime import sync
from tests.runtime.conftest import handler_source, invoke, invoke_all, make_spec

SITE = "python/lib/python3.12/site-packages"
_SYNC = "from tests.runtime import sync"


def _importing(name: str, *, wait: str = "") -> Dict[str, str]:
    """app.py whose handler returns ``name``'s TAG (after meeting the others at barrier ``wait``)."""
    body = f"sync.barriers[{wait!r}].wait(20)\n    " if wait else ""
    return {
        "app.py": (
            f"import {name}\nfrom tests.runtime import sync\n"
            f"def handler(event, context):\n    {body}return {name}.TAG\n"
        )
    }


def test_a_handler_imports_from_the_python_folder_of_a_layer(runtime: Runtime) -> None:
    spec = make_spec(_importing("shared"), layers=[{"python/shared/__init__.py": "TAG = 'layer'\n"}])
    result = invoke(runtime, spec)
    assert json.loads(result.payload) == "layer", result.payload
    assert "shared" not in sys.modules


def test_site_packages_of_the_function_runtime_come_before_the_python_folder(runtime: Runtime) -> None:
    layer = {
        f"{SITE}/lib_a.py": "TAG = 'site-packages'\n",
        "python/lib_a.py": "TAG = 'python'\n",
        # Built for another Python: not on a python3.12 function's path.
        "python/lib/python3.11/site-packages/lib_b.py": "TAG = '3.11'\n",
    }
    spec = make_spec(
        handler_source("import importlib.util\nreturn [lib_a.TAG, importlib.util.find_spec('lib_b') is None]",
                       prelude="import lib_a"),
        layers=[layer],
    )
    assert json.loads(invoke(runtime, spec).payload) == ["site-packages", True]
    older = make_spec(_importing("lib_b"), runtime="python3.11", layers=[layer])
    assert json.loads(invoke(runtime, older).payload) == "3.11"


def test_the_function_code_comes_before_its_layers(runtime: Runtime) -> None:
    spec = make_spec(
        {**_importing("helper"), "helper.py": "TAG = 'function'\n"},
        layers=[{f"{SITE}/helper.py": "TAG = 'layer'\n"}],
    )
    assert json.loads(invoke(runtime, spec).payload) == "function"


def test_layers_are_merged_in_order_the_later_file_wins(runtime: Runtime) -> None:
    first = {"python/mod.py": "TAG = 'first'\n", "python/only_first.py": "TAG = 'kept'\n", "python/clash": "a file"}
    second = {"python/mod.py": "TAG = 'second'\n", "python/clash/__init__.py": "TAG = 'package'\n"}
    spec = make_spec(
        handler_source("return [mod.TAG, only_first.TAG, clash.TAG]", prelude="import mod, only_first, clash"),
        layers=[first, second],
    )
    assert json.loads(invoke(runtime, spec).payload) == ["second", "kept", "package"]
    reverse = make_spec(_importing("mod"), layers=[second, first])
    assert json.loads(invoke(runtime, reverse).payload) == "first"


def test_layer_files_outside_the_python_folders_are_under_lambdamock_opt(runtime: Runtime) -> None:
    spec = make_spec(
        handler_source(
            "opt = os.environ['LAMBDAMOCK_OPT']\n"
            "with open(os.path.join(opt, 'config', 'settings.json')) as f:\n"
            "    return [json.load(f), os.path.isfile(os.path.join(opt, 'python', 'shared.py'))]",
            prelude="import json, os",
        ),
        layers=[{"config/settings.json": '{"level": 3}', "python/shared.py": ""}],
    )
    assert json.loads(invoke(runtime, spec).payload) == [{"level": 3}, True]
    plain = make_spec(handler_source("return os.environ.get('LAMBDAMOCK_OPT')", prelude="import os"))
    assert json.loads(invoke(runtime, plain).payload) is None


def _versioned(tag: str, *, installed: bool) -> Dict[str, str]:
    """A layer holding version ``tag`` of layerlib, pip-installed (with its dist-info) or not."""
    files = {
        f"{SITE}/layerlib/__init__.py": "from layerlib import core\nTAG = core.TAG\nSTATE = []\n",
        f"{SITE}/layerlib/core.py": f"TAG = {tag!r}\n",
    }
    if installed:
        files[f"{SITE}/layerlib-{tag}.dist-info/RECORD"] = "layerlib/__init__.py,,\nlayerlib/core.py,,\n"
        files[f"{SITE}/layerlib-{tag}.dist-info/top_level.txt"] = "layerlib\n"
    return files


def test_two_functions_with_different_versions_of_a_layer_library_at_once(runtime: Runtime) -> None:
    for installed in (False, True):
        sync.barriers["versions"] = threading.Barrier(2)
        handler = _importing("layerlib", wait="versions")
        # Two cold starts that meet at a barrier: on a loaded machine they take longer than 3 s.
        one = make_spec(handler, name="one", layers=[_versioned("1.0", installed=installed)], timeout=30)
        two = make_spec(handler, name="two", layers=[_versioned("2.0", installed=installed)], timeout=30)
        assert invoke_all(runtime, [one, two]) == [b'"1.0"', b'"2.0"']
        assert "layerlib" not in sys.modules and "layerlib.core" not in sys.modules


def test_environments_of_one_function_do_not_share_layer_module_state(runtime: Runtime) -> None:
    sync.barriers["state"] = threading.Barrier(2)
    spec = make_spec(
        handler_source(
            "layerlib.STATE.append(1)\nsync.barriers['state'].wait(20)\nreturn len(layerlib.STATE)",
            prelude=f"import layerlib\n{_SYNC}",
        ),
        layers=[_versioned("1.0", installed=False)],
        timeout=30,
    )
    assert invoke_all(runtime, [spec, spec]) == [b"1", b"1"]


def test_installed_layer_libraries_are_loaded_once_per_code_and_layers(runtime: Runtime) -> None:
    sync.barriers["deps"] = threading.Barrier(2)
    spec = make_spec(
        handler_source("sync.barriers['deps'].wait(20)\nreturn id(layerlib)", prelude=f"import layerlib\n{_SYNC}"),
        layers=[_versioned("1.0", installed=True)],
        timeout=30,
    )
    first, second = invoke_all(runtime, [spec, spec])
    assert first == second



def test_a_later_layer_replaces_a_read_only_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as made:
        entry = zipfile.ZipInfo("python/mod.py")
        entry.create_system = 3  # Unix, so the mode is kept
        entry.external_attr = 0o444 << 16
        made.writestr(entry, "TAG = 'read-only'\n")
    archive.extract([buffer.getvalue(), package({"python/mod.py": "TAG = 'later'\n"})], str(tmp_path))
    assert (tmp_path / "python" / "mod.py").read_text() == "TAG = 'later'\n"


def test_nothing_is_written_through_a_link(tmp_path: Path) -> None:
    # A link in one layer, then an entry under it in the next: the entry replaces the link (the later archive
    # wins), and the folder the link led to is never written to.
    root, other = tmp_path / "root", tmp_path / "other"
    linked = zip_with_links({"a/b/keep.txt": "kept"}, {"a/up": "b"})  # a/up -> a/b, inside the package
    archive.extract([linked], str(root))
    assert (root / "a" / "up").is_symlink() and (root / "a" / "up" / "keep.txt").read_text() == "kept"
    archive.extract([linked, package({"a/up/written.txt": "through?"})], str(other))
    assert not (other / "a" / "up").is_symlink() and (other / "a" / "up" / "written.txt").read_text() == "through?"
    assert sorted(path.name for path in (other / "a" / "b").iterdir()) == ["keep.txt"]


def test_links_that_lead_out_only_through_others_are_left_out(tmp_path: Path) -> None:
    # Each is inside the package on its own text; through the other, "out" leads to a file beside it. A later
    # link that is left out still replaces what an earlier layer had at its place.
    (tmp_path / "secret").write_text("beside the package")
    root = tmp_path / "root"
    first = zip_with_links({"mod.py": "old", "keep.txt": "kept"},
                           {"a/up": "..", "out": "a/up/../secret", "ok": "keep.txt"})
    later = zip_with_links({}, {"mod.py": "/etc/hostname"})
    archive.extract([first, later], str(root))
    assert sorted(path.name for path in root.iterdir()) == ["a", "keep.txt", "ok"]
    assert (root / "ok").read_text() == "kept" and (root / "a" / "up").is_symlink()


def test_an_atexit_hook_a_layer_s_code_registers_is_never_registered_in_the_test_process(runtime: Runtime) -> None:
    # A layer's code is the function's own, as its zip's is (see test_process_end): never the test process's hook.
    before = atexit._ncallbacks()
    spec = make_spec(_importing("hooked"),
                     layers=[{"python/hooked.py": "import atexit\natexit.register(print, 'at exit')\nTAG = 'layer'\n"}])
    assert json.loads(invoke(runtime, spec).payload) == "layer"
    assert atexit._ncallbacks() == before
