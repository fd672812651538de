"""Each function runs its own code: module namespaces, sys.modules and sys.path are left alone."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import threading
import types
from typing import Dict

import pytest

from lambdamock.runtime import Runtime
from tests.runtime import sync
from tests.runtime.conftest import handler_source, invoke, invoke_all, make_spec


def _app_with_helper(tag: str, *, wait: bool = False) -> Dict[str, str]:
    body = "sync.barriers['pair'].wait(5)\n" if wait else ""
    return {
        "app.py": (
            "import helper\nfrom tests.runtime import sync\n"
            f"def handler(event, context):\n    {body or 'pass'}\n"
            "    import helper as lazy\n"
            "    return [helper.TAG, lazy.TAG, helper.who()]\n"
        ),
        "helper.py": f"TAG = {tag!r}\ndef who():\n    return TAG\n",
    }


def test_two_functions_with_the_same_module_names_run_their_own_code(runtime: Runtime) -> None:
    a = make_spec(_app_with_helper("a"), name="a")
    b = make_spec(_app_with_helper("b"), name="b")
    assert json.loads(invoke(runtime, a).payload) == ["a", "a", "a"]
    assert json.loads(invoke(runtime, b).payload) == ["b", "b", "b"]
    assert json.loads(invoke(runtime, a).payload) == ["a", "a", "a"]


def test_same_module_names_concurrently(runtime: Runtime) -> None:
    sync.barriers["pair"] = threading.Barrier(2)
    a = make_spec(_app_with_helper("a", wait=True), name="a")
    b = make_spec(_app_with_helper("b", wait=True), name="b")
    results = dict(zip("ab", invoke_all(runtime, [a, b])))
    assert json.loads(results["a"]) == ["a", "a", "a"]
    assert json.loads(results["b"]) == ["b", "b", "b"]


def test_a_process_module_of_the_same_name_is_neither_used_nor_replaced(runtime: Runtime) -> None:
    own = types.ModuleType("helper")
    own.TAG = "process"  # type: ignore[attr-defined]
    sys.modules["helper"] = own
    try:
        spec = make_spec(_app_with_helper("fn"))
        assert json.loads(invoke(runtime, spec).payload) == ["fn", "fn", "fn"]
        assert sys.modules["helper"] is own
    finally:
        del sys.modules["helper"]


def test_environments_of_one_function_do_not_share_module_state(runtime: Runtime) -> None:
    sync.barriers["state"] = threading.Barrier(2)
    spec = make_spec(
        {
            "app.py": (
                "import state\nfrom tests.runtime import sync\n"
                "def handler(event, context):\n"
                "    state.items.append(1)\n    sync.barriers['state'].wait(5)\n    return len(state.items)\n"
            ),
            "state.py": "items = []\n",
        }
    )
    results = invoke_all(runtime, [spec, spec])
    assert results == [b"1", b"1"]


def test_sys_modules_and_sys_path_are_untouched() -> None:
    modules_before = dict(sys.modules)
    path_before = list(sys.path)
    path_object = sys.path
    rt = Runtime()
    spec = make_spec(
        {
            "app.py": (
                "import sys, os, helper\nfrom pkg import sub\n"
                "sys.path.append(os.path.join(os.path.dirname(__file__), 'vendor'))\n"
                "import vendored_thing\n"
                "def handler(event, context):\n    import lazy\n    return [sub.X, lazy.Y, vendored_thing.Z]\n"
            ),
            "helper.py": "",
            "lazy.py": "Y = 2\n",
            "pkg/__init__.py": "",
            "pkg/sub.py": "X = 1\n",
            "vendor/vendored_thing.py": "Z = 3\n",
        }
    )
    try:
        assert json.loads(invoke(rt, spec).payload) == [1, 2, 3]
        for name in ("app", "helper", "pkg", "pkg.sub", "lazy"):
            assert name not in sys.modules
    finally:
        rt.close()
        rt.unhook()
    assert sys.path is path_object and sys.path == path_before
    assert set(sys.modules) - set(modules_before) <= {"encodings.cp437"}  # zipfile's own lazy import
    assert all(sys.modules[name] is module for name, module in modules_before.items())


def test_packages_relative_imports_and_handler_in_a_subdirectory(runtime: Runtime) -> None:
    spec = make_spec(
        {
            "src/svc/app.py": (
                "from . import util\nfrom .util import VALUE\nfrom ..shared import models\n"
                "def handler(event, context):\n    return [util.VALUE, VALUE, models.NAME, __name__]\n"
            ),
            "src/svc/util.py": "VALUE = 'util'\n",
            "src/shared/__init__.py": "",
            "src/shared/models.py": "NAME = 'models'\n",
        },
        handler="src/svc/app.handler",
    )
    assert json.loads(invoke(runtime, spec).payload) == ["util", "util", "models", "src.svc.app"]


def test_importlib_import_module_in_a_handler_finds_the_function_code(runtime: Runtime) -> None:
    spec = make_spec(
        {
            "app.py": (
                "import importlib\n"
                "def handler(event, context):\n"
                "    module = importlib.import_module('plugins.' + event['name'])\n"
                "    return [module.NAME, importlib.import_module('json').dumps(1)]\n"
            ),
            "plugins/__init__.py": "",
            "plugins/first.py": "NAME = 'first'\n",
        }
    )
    assert json.loads(invoke(runtime, spec, b'{"name": "first"}').payload) == ["first", "1"]
    assert "plugins" not in sys.modules and "plugins.first" not in sys.modules


def test_dataclasses_with_postponed_annotations_and_module_self_lookup(runtime: Runtime) -> None:
    # dataclasses reads sys.modules[cls.__module__] for string annotations; so may user code.
    spec = make_spec(
        {
            "app.py": (
                "from __future__ import annotations\nimport sys\nfrom dataclasses import dataclass\n"
                "from typing import ClassVar\n"
                "@dataclass\nclass Item:\n    name: str\n    kind: ClassVar[str] = 'k'\n"
                "ME = sys.modules[__name__]\n"
                "def handler(event, context):\n    return [Item('x').name, ME.Item is Item]\n"
            )
        }
    )
    assert json.loads(invoke(runtime, spec).payload) == ["x", True]
    assert "app" not in sys.modules


@pytest.mark.parametrize("sdk", ["boto3", "botocore", "s3transfer"])
def test_sdk_always_comes_from_the_test_process(runtime: Runtime, sdk: str) -> None:
    # A zip that bundles the SDK (boto3, botocore and s3transfer, which boto3's uploads use) must still use the
    # process's (patched, mocked) copy.
    spec = make_spec(
        {
            "app.py": f"import json, {sdk}\ndef handler(event, context):\n    return {sdk}.__file__\n",
            f"{sdk}/__init__.py": "raise RuntimeError('bundled copy must not load')\n",
        }
    )
    result = invoke(runtime, spec)
    assert result.function_error is None, result.payload
    assert json.loads(result.payload) == importlib.import_module(sdk).__file__


def test_installed_dependencies_in_the_zip_are_loaded_once_per_code(runtime: Runtime) -> None:
    sync.barriers["deps"] = threading.Barrier(2)
    spec = make_spec(
        {
            "app.py": (
                "import somedep\nfrom tests.runtime import sync\n"
                "def handler(event, context):\n    sync.barriers['deps'].wait(5)\n    return id(somedep)\n"
            ),
            "somedep/__init__.py": "",
            "somedep-1.0.dist-info/RECORD": "somedep/__init__.py,,\n",
            "somedep-1.0.dist-info/top_level.txt": "somedep\n",
        }
    )
    results = invoke_all(runtime, [spec, spec])
    assert len(results) == 2 and results[0] == results[1]
    assert "somedep" not in sys.modules


def test_a_package_with_a_native_extension_is_loaded_once_per_code(runtime: Runtime) -> None:
    # An extension module cannot be initialised afresh for each environment: a folder holding one is a dependency,
    # even with no dist-info naming it. A copy of an extension of Python's own stands in for a compiled package's.
    found = importlib.util.find_spec("_bisect")
    if found is None or not found.has_location or not found.origin:
        pytest.skip("_bisect is built into this Python")
    with open(found.origin, "rb") as extension:
        native = extension.read()
    sync.barriers["native"] = threading.Barrier(2)
    spec = make_spec(
        {
            "app.py": (
                "import natpkg\nfrom tests.runtime import sync\n"
                "def handler(event, context):\n    sync.barriers['native'].wait(5)\n"
                "    return [id(natpkg), natpkg.insort_right([1, 3], 2) is None]\n"
            ),
            "natpkg/__init__.py": "from natpkg._bisect import insort_right\n",
            f"natpkg/{os.path.basename(found.origin)}": native,  # type: ignore[dict-item]
        }
    )
    results = invoke_all(runtime, [spec, spec])
    assert json.loads(results[0])[1] is True, results[0]
    assert len(results) == 2 and results[0] == results[1]


def test_builtins_patched_by_the_test_reach_handler_code(runtime: Runtime) -> None:
    from unittest import mock

    spec = make_spec(handler_source("if event:\n    with open('/no/such/file') as f:\n        return f.read()"))
    invoke(runtime, spec)  # cold start first: extracting the zip needs the real open()
    with mock.patch("builtins.open", mock.mock_open(read_data="patched")):
        assert invoke(runtime, spec, b'{"read": 1}').payload == b'"patched"'


def test_import_statement_forms(runtime: Runtime) -> None:
    spec = make_spec(
        {
            "app.py": (
                "import pkg.sub\nfrom pkg import *\nimport first\n"
                "def handler(event, context):\n"
                "    return [pkg.sub.X, other.Y, first.second.NAME, first.NAME]\n"
            ),
            "pkg/__init__.py": "__all__ = ['other']\n",
            "pkg/sub.py": "X = 'sub'\n",
            "pkg/other.py": "Y = 'other'\n",
            # A circular import sees the partially initialised module, as with Python's importer.
            "first.py": "NAME = 'first'\nimport second\n",
            "second.py": "import first\nNAME = first.NAME + '-second'\n",
        }
    )
    assert json.loads(invoke(runtime, spec).payload) == ["sub", "other", "first-second", "first"]


def test_missing_name_in_from_import_is_an_import_error(runtime: Runtime) -> None:
    spec = make_spec({"app.py": "from helper import nope\n", "helper.py": ""})
    document = json.loads(invoke(runtime, spec).payload)
    assert document["errorType"] == "Runtime.ImportModuleError"
    assert document["errorMessage"].startswith("Unable to import module 'app': cannot import name 'nope' from 'helper'")


@pytest.mark.parametrize(("files", "message"), [
    ({"app.py": "from . import helper\n"}, "attempted relative import with no known parent package"),
    ({"app.py": "import pkg.mod\n", "pkg/__init__.py": "", "pkg/mod.py": "from ... import x\n"},
     "attempted relative import beyond top-level package"),
    # A submodule that is missing is a name the package lacks; one that fails to import says why.
    ({"app.py": "from pkg import missing\n", "pkg/__init__.py": ""}, "cannot import name 'missing' from 'pkg' "
                                                                      "(/var/task/pkg/__init__.py)"),
    ({"app.py": "from pkg import sub\n", "pkg/__init__.py": "", "pkg/sub.py": "import nowhere_to_be_found\n"},
     "No module named 'nowhere_to_be_found'"),
])
def test_import_errors_read_as_python_s(runtime: Runtime, files: Dict[str, str], message: str) -> None:
    document = json.loads(invoke(runtime, make_spec(files)).payload)
    assert document["errorType"] == "Runtime.ImportModuleError"
    assert document["errorMessage"] == f"Unable to import module 'app': {message}"


def test_a_module_whose_import_failed_is_imported_afresh(runtime: Runtime) -> None:
    # Python takes a module whose code raised out of sys.modules: the next import runs it again.
    spec = make_spec({"app.py": ("def handler(event, context):\n    failures = []\n    for _ in range(2):\n"
                                 "        try:\n            import broken\n        except ZeroDivisionError:\n"
                                 "            failures.append(1)\n    return len(failures)\n"),
                      "broken.py": "1 / 0\n"})
    assert json.loads(invoke(runtime, spec).payload) == 2
