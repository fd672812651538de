"""How the runtime finds the handler its name gives, and awslambdaric's faults for the names it cannot use."""

from __future__ import annotations

import json
import sys

import pytest

from lambdamock.runtime import Runtime
from tests.runtime.conftest import failure, invoke, make_spec


def test_missing_handler_module(runtime: Runtime) -> None:
    error = failure(runtime, {"other.py": ""})
    assert error["errorMessage"] == "Unable to import module 'app': No module named 'app'"


def test_a_handler_that_is_none_fails_as_any_uncallable_does(runtime: Runtime) -> None:
    # bootstrap calls whatever the name holds: a TypeError of the invocation, not of the runtime.
    error = failure(runtime, {"app.py": "handler = None\n"})
    assert (error["errorType"], error["errorMessage"]) == ("TypeError", "'NoneType' object is not callable")


def test_a_handler_with_no_module_name_fails_as_importlib_does(runtime: Runtime) -> None:
    # bootstrap._get_handler hands "" to importlib.import_module, whose ValueError is no ImportError.
    error = failure(runtime, {"app.py": ""}, handler=".handler")
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "Empty module name")


@pytest.mark.parametrize(("handler", "name"), [(".app.handler", ".app"), ("../app.handler", "...app")])
def test_a_relative_handler_module_fails_as_importlib_does(runtime: Runtime, handler: str, name: str) -> None:
    # bootstrap._get_handler: importlib.import_module(modname.replace("/", ".")), with no package.
    error = failure(runtime, {"app.py": "def handler(event, context):\n    return 1\n"}, handler=handler)
    assert (error["errorType"], error["errorMessage"]) == (
        "TypeError", f"the 'package' argument is required to perform a relative import for {name!r}")


@pytest.mark.skipif(sys.version_info < (3, 10), reason="Python 3.9 does not list its standard library's modules")
@pytest.mark.parametrize("module", ["json", "os.path", "calendar"])  # calendar: one the runtime has not imported
def test_a_module_outside_the_package_is_imported_as_lambda_imports_it(runtime: Runtime, module: str) -> None:
    # Not in the task root, so found on the rest of sys.path (the standard library): then no handler is found.
    error = failure(runtime, {"app.py": ""}, handler=f"{module}.handler")
    assert (error["errorType"], error["errorMessage"]) == (
        "Runtime.HandlerNotFound", f"Handler 'handler' missing on module '{module}'")


@pytest.mark.parametrize(("handler", "error_type", "message"), [
    ("json.handler", "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'json'"),
    ("logging.app.handler", "Runtime.ImportModuleError",
     "Unable to import module 'logging.app': No module named 'logging.app'"),
])
def test_a_module_the_runtime_imported_before_the_handler_s_is_the_runtime_s_whatever_the_zip_has(
    runtime: Runtime, handler: str, error_type: str, message: str
) -> None:
    # awslambdaric's bootstrap imports json, logging, decimal and traceback (and Python its own modules) before it
    # imports the handler's module: importlib.import_module finds those in sys.modules, not in the task root.
    source = "def handler(event, context):\n    return 'the zip'\n"
    files = {"json.py": source, "logging/__init__.py": "", "logging/app.py": source}
    error = failure(runtime, files, handler=handler)
    assert (error["errorType"], error["errorMessage"]) == (error_type, message)


# What each runtime has imported by then (sys.modules, read from the handler's module as awslambdaric 4.2.2 imports it
# on that Python): the thread-polling runtimes (python3.12 on) have queue; python3.13's linecache no longer tokenize.
@pytest.mark.parametrize(("module", "runtime_name", "imported"), [
    ("queue", "python3.11", False), ("queue", "python3.12", True), ("queue", "python3.14", True),
    ("tokenize", "python3.12", True), ("tokenize", "python3.13", False),
    ("heapq", "python3.8", True), ("heapq", "python3.9", True), ("heapq", "python3.11", False),
    ("heapq", "python3.12", True),
    # Not one the test process imported (Python 3.11 on): the runtime's all the same, not the zip's file.
    pytest.param("sre_compile", "python3.10", True, marks=pytest.mark.filterwarnings("ignore::DeprecationWarning")),
    ("calendar", "python3.12", False),
    # Every runtime's logging, which bootstrap imports, has imported re and string (CPython's Lib/logging/__init__.py:
    # "import sys, os, time, io, re, ..." and "from string import Template").
    ("re", "python3.9", True), ("string", "python3.13", True),
    # From python3.12 its LambdaRuntimeClient polls on a concurrent.futures thread (awslambdaric's
    # lambda_runtime_client.py imports it when use_thread_for_polling_next is set).
    ("concurrent", "python3.11", False), ("concurrent", "python3.12", True),
])
def test_a_standard_module_is_the_zip_s_unless_the_runtime_imported_it_first(
    runtime: Runtime, module: str, runtime_name: str, imported: bool
) -> None:
    # The task root comes first on the runtime's sys.path: a module there is the handler's, unless one of that name
    # is in sys.modules already.
    spec = make_spec({f"{module}.py": "def handler(event, context):\n    return 'the zip'\n"},
                     handler=f"{module}.handler", runtime=runtime_name)
    result = invoke(runtime, spec)
    if imported:
        assert json.loads(result.payload)["errorMessage"] == f"Handler 'handler' missing on module '{module}'"
    else:
        assert result.function_error is None and result.payload == b'"the zip"'


# The runtime's frame, as AWS answered a handler that cannot be called (see runtime.ric).
@pytest.mark.parametrize(("runtime_name", "frame"), [
    ("python3.9", '"/var/runtime/awslambdaric/bootstrap.py", line 177'),
    ("python3.11", '"/var/lang/lib/python3.11/site-packages/awslambdaric/bootstrap.py", line 177'),
    ("python3.13", '"/var/lang/lib/python3.13/site-packages/awslambdaric/bootstrap.py", line 178'),
])
def test_a_handler_that_cannot_be_called_has_its_runtime_s_frame(runtime: Runtime, runtime_name: str, frame: str) -> None:
    result = invoke(runtime, make_spec({"app.py": "def handler(event):\n    return 1\n"}, runtime=runtime_name))
    assert json.loads(result.payload)["stackTrace"] == [
        f"  File {frame}, in handle_event_request\n    response = request_handler(event, lambda_context)\n"]


def test_the_test_process_s_own_packages_are_not_handler_modules(runtime: Runtime) -> None:
    # Lambda's runtime does not have them (pytest here; a project's own "app", say).
    error = failure(runtime, {"app.py": ""}, handler="pytest.handler")
    assert (error["errorType"], error["errorMessage"]) == (
        "Runtime.ImportModuleError", "Unable to import module 'pytest': No module named 'pytest'")


def test_a_built_in_module_is_no_handler_module(runtime: Runtime) -> None:
    # awslambdaric's bootstrap._get_handler, before it imports anything.
    error = failure(runtime, {"time.py": "def handler(event, context):\n    return 1\n"}, handler="time.handler")
    assert (error["errorType"], error["errorMessage"]) == (
        "Runtime.BuiltInModuleConflict", "Cannot use built-in module time as a handler module")


def test_handler_not_found(runtime: Runtime) -> None:
    error = failure(runtime, {"app.py": "x = 1\n"}, handler="app.missing")
    assert error["errorType"] == "Runtime.HandlerNotFound"
    assert error["errorMessage"] == "Handler 'missing' missing on module 'app'"


def test_malformed_handler_name(runtime: Runtime) -> None:
    error = failure(runtime, {"app.py": ""}, handler="nodot")
    assert error["errorType"] == "Runtime.MalformedHandlerName"
    assert error["errorMessage"] == "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)"


@pytest.mark.parametrize(("handler", "error_type", "message"), [
    ("sub/missing.handler", "Runtime.ImportModuleError", "Unable to import module 'sub/missing': No module named 'sub.missing'"),
    ("sub/app.missing", "Runtime.HandlerNotFound", "Handler 'missing' missing on module 'sub/app'"),
])
def test_a_handler_named_by_its_path_is_named_so_in_its_faults(
    runtime: Runtime, handler: str, error_type: str, message: str
) -> None:
    # awslambdaric's bootstrap._get_handler imports modname.replace("/", "."), and its texts name modname as given.
    error = failure(runtime, {"sub/__init__.py": "", "sub/app.py": "x = 1\n"}, handler=handler)
    assert (error["errorType"], error["errorMessage"]) == (error_type, message)
