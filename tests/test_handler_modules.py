"""Handler modules behave like modules while they run (pickle, type hints, reload), each function its own."""

from __future__ import annotations

import importlib.metadata
import json
import sys
import threading
from typing import Any

import pytest

from lambdamock import package
from tests.helpers import ROLE
from tests.runtime import sync

APP = '''
from __future__ import annotations
import dataclasses, importlib, pickle, sys, typing
from tests.runtime import sync

NAME = "{name}"
LOADS = globals().get("LOADS", 0) + 1

@dataclasses.dataclass
class Order:
    id: int
    lines: typing.List[Line]

@dataclasses.dataclass
class Line:
    sku: str

def handler(event, context):
    if event.get("meet"):
        sync.barriers["modules"].wait()
    order = Order(1, [Line("x")])
    copied = pickle.loads(pickle.dumps(order))
    same = copied == order and type(copied) is Order
    hints = typing.get_type_hints(Order)
    me = sys.modules[__name__]
    reloaded = importlib.reload(me)
    return {{
        "copied": same,
        "hints": str(hints["lines"]),
        "name": me.NAME,
        "loads": reloaded.LOADS,
    }}
'''


def deploy(client: Any, function: str, name: str) -> None:
    client.create_function(FunctionName=function, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": APP.format(name=name)})})


def test_pickle_type_hints_sys_modules_and_reload_work_in_a_handler(client: Any) -> None:
    deploy(client, "f", "first")
    response = client.invoke(FunctionName="f", Payload=b"{}")
    assert response.get("FunctionError") is None, response["Payload"].read()
    assert json.loads(response["Payload"].read()) == {
        "copied": True, "hints": "typing.List[app.Line]", "name": "first", "loads": 2,
    }
    assert "app" not in sys.modules, "between invocations the process's sys.modules is as it was"


def test_two_functions_with_the_same_module_name_running_at_once_see_their_own(client: Any) -> None:
    deploy(client, "a", "module of a")
    deploy(client, "b", "module of b")
    sync.barriers["modules"] = threading.Barrier(2, timeout=10)
    results: dict[str, Any] = {}

    def call(function: str) -> None:
        response = client.invoke(FunctionName=function, Payload=b'{"meet": true}')
        results[function] = json.loads(response["Payload"].read())

    threads = [threading.Thread(target=call, args=(function,)) for function in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results["a"]["name"] == "module of a" and results["b"]["name"] == "module of b"
    assert results["a"]["copied"] and results["b"]["copied"]
    assert "app" not in sys.modules


def test_the_module_sys_modules_names_reads_and_changes_as_the_function_s_own(client: Any) -> None:
    # docs/limitations.md ("Module identity by name"): while a handler runs, what sys.modules holds for its module
    # leads it to its own module: attributes set, deleted and listed there are its own, and it shows as that module.
    source = (
        "import sys\n"
        "GONE = 1\n"
        "def handler(event, context):\n"
        "    me = sys.modules[__name__]\n"
        "    me.SET = 2\n"
        "    del me.GONE\n"
        "    return [globals().get('SET'), 'GONE' in globals(), 'handler' in dir(me),\n"
        "            repr(me) == f'<module {__name__!r} from {__file__!r}>']\n"
    )
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})})
    response = client.invoke(FunctionName="f")
    assert "FunctionError" not in response, response["Payload"].read()
    assert json.loads(response["Payload"].read()) == [2, False, True, True]


def test_a_module_stays_found_by_name_while_another_function_s_of_that_name_ends(client: Any) -> None:
    # docs/limitations.md ("Module identity by name"): while a handler runs, its modules are found by name (pickle
    # works), whatever another function with a module of the same name does meanwhile.
    source = (
        "import pickle\n"
        "from tests.runtime import sync\n"
        "class Thing:\n    pass\n"
        "def handler(event, context):\n"
        "    if event.get('wait'):\n"
        "        sync.events['running'].set()\n"
        "        sync.events['ended'].wait(10)\n"
        "    return type(pickle.loads(pickle.dumps(Thing()))) is Thing\n"
    )
    for function in ("a", "b"):
        client.create_function(FunctionName=function, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})
    sync.events["running"], sync.events["ended"] = threading.Event(), threading.Event()
    results: dict[str, Any] = {}
    waiting = threading.Thread(target=lambda: results.update(
        b=json.loads(client.invoke(FunctionName="b", Payload=b'{"wait": true}')["Payload"].read())))
    waiting.start()
    try:
        assert sync.events["running"].wait(10)
        assert json.loads(client.invoke(FunctionName="a")["Payload"].read()) is True
    finally:
        sync.events["ended"].set()
        waiting.join(30)
    assert results["b"] is True


def test_importlib_metadata_finds_the_package_s_own_distributions_first(client: Any) -> None:
    # On Lambda the task root leads sys.path (the Python runtime's search path: /var/task first), so
    # importlib.metadata finds what the package installed before anything of the runtime's. A dependency the test
    # process serves itself (docs: limitations) is told as the process's, so that its version and its module agree.
    files = {
        "mylib/__init__.py": "import importlib.metadata\n__version__ = importlib.metadata.version('mylib')\n",
        "mylib-1.2.3.dist-info/METADATA": "Metadata-Version: 2.1\nName: mylib\nVersion: 1.2.3\n",
        "mylib-1.2.3.dist-info/RECORD": "mylib/__init__.py,,\n",
        "mylib-1.2.3.dist-info/entry_points.txt": "[mylib.plugins]\nfoo = mylib:thing\n",
        "wrapt/__init__.py": "",
        "wrapt-0.0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: wrapt\nVersion: 0.0.1\n",
        "wrapt-0.0.1.dist-info/RECORD": "wrapt/__init__.py,,\n",
        "app.py": (
            "import importlib.metadata\nimport mylib\n"
            "def handler(event, context):\n"
            "    plugins = [point.name for point in importlib.metadata.distribution('mylib').entry_points]\n"
            "    return [mylib.__version__, plugins, importlib.metadata.version('wrapt')]\n"
        ),
    }
    client.create_function(FunctionName="meta", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package(files)})
    response = client.invoke(FunctionName="meta")
    assert "FunctionError" not in response, response["Payload"].read()
    assert json.loads(response["Payload"].read()) == ["1.2.3", ["foo"], importlib.metadata.version("wrapt")]
    # The test process's own view is its own.
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.version("mylib")


def test_a_standard_module_the_runtime_imported_is_the_runtime_s_when_the_handler_imports_it(client: Any) -> None:
    # awslambdaric's bootstrap.py imports json, logging and traceback before it imports the handler's module, so an
    # import of them finds sys.modules' copy, whatever files of those names the package has.
    stray = "ZIP = True\n"
    files = {"json.py": stray, "logging/__init__.py": stray, "traceback.py": stray,
             "app.py": ("import json, logging, traceback\n"
                        "def handler(event, context):\n"
                        "    return [hasattr(module, 'ZIP') for module in (json, logging, traceback)]\n")}
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package(files)})
    response = client.invoke(FunctionName="f")
    assert "FunctionError" not in response, response["Payload"].read()
    assert json.loads(response["Payload"].read()) == [False, False, False]


def test_modules_whose_names_are_no_identifiers_are_imported_by_name(client: Any) -> None:
    # The task root is on the runtime's sys.path, and Python's path finder takes any file name, so
    # importlib.import_module finds my-helper.py, 2fa.py and my-pkg/ there, as the runtime finds a handler's module
    # of such a name (Handler "my-app.handler").
    files = {"my-app.py": ("import importlib\n"
                           "def handler(event, context):\n"
                           "    return [importlib.import_module(name).NAME for name in ('my-helper', '2fa', 'my-pkg')]\n"),
             "my-helper.py": "NAME = 'helper'\n", "2fa.py": "NAME = '2fa'\n", "my-pkg/__init__.py": "NAME = 'pkg'\n"}
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="my-app.handler",
                           Code={"ZipFile": package(files)})
    response = client.invoke(FunctionName="f")
    assert "FunctionError" not in response, response["Payload"].read()
    assert json.loads(response["Payload"].read()) == ["helper", "2fa", "pkg"]
    assert not {"my-app", "my-helper", "2fa", "my-pkg"} & set(sys.modules)  # each environment's own, as any module
