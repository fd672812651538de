"""A function's working directory is its task root, as on Lambda, and its own: not the test process's, nor another's.

On Lambda the runtime starts in /var/task (LAMBDA_TASK_ROOT), so code reads the files it ships by relative paths:
cloud-custodian's policy functions open "config.json" so (c7n/handler.py). Here the kernel gives each environment's
threads a directory of their own (unshare(2) on Linux), so every relative path is taken from it: Python's, a C
extension's, a subprocess's.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import sys
import threading
import types
import uuid
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest

from lambdamock import mock_lambda, package
from lambdamock.runtime import workdir
from tests.helpers import ROLE, call, in_threads
from tests.runtime import sync

READS = (
    "import glob, json, os, pathlib, threading\n\n"
    "SETTINGS = json.load(open('settings.json'))  # at import, as most code reads them\n\n"
    "def handler(event, context):\n"
    "    seen = {}\n"
    "    thread = threading.Thread(target=lambda: seen.update(thread=open('settings.json').read()))\n"
    "    thread.start()\n"
    "    thread.join(10)\n"
    "    return {'import': SETTINGS, 'cwd': os.getcwd(), 'root': os.environ['LAMBDA_TASK_ROOT'], 'pwd': os.environ['PWD'],\n"
    "            'pathlib': json.loads(pathlib.Path('settings.json').read_text()),\n"
    "            'path_cwd': str(pathlib.Path.cwd()), 'abspath': os.path.abspath('settings.json'),\n"
    "            'exists': os.path.isfile('settings.json'), 'listdir': sorted(os.listdir()),\n"
    "            'glob': glob.glob('*.json'), 'walk': sorted(name for _, _, names in os.walk('.') for name in names),\n"
    "            'thread': json.loads(seen['thread'])}\n"
)
FILES = {"settings.json": '{"from": "the function"}', "sub/inner.txt": "inner"}


def own_directories() -> bool:
    """Whether a thread can have a working directory of its own here (Linux, unless a seccomp profile refuses)."""
    entered: list[bool] = []
    thread = threading.Thread(target=lambda: entered.append(workdir.enter(os.getcwd())))
    thread.start()
    thread.join()
    return entered == [True]


own = pytest.mark.skipif(not own_directories(), reason="no working directory of a thread's own here")


def deploy(source: str, name: str = "f") -> Any:
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=30,
                           Code={"ZipFile": package({"app.py": source, **FILES})})
    return client


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test process works in a folder of its own, with a settings.json that is not the function's."""
    (tmp_path / "settings.json").write_text('{"from": "the test"}')
    monkeypatch.chdir(tmp_path)
    return tmp_path


@own
def test_code_reads_the_files_it_ships_by_relative_paths(elsewhere: Path) -> None:
    with mock_lambda():
        error, got = call(deploy(READS))
        assert error is None, got
        own = {"from": "the function"}
        assert got["import"] == got["pathlib"] == got["thread"] == own
        assert got["cwd"] == got["path_cwd"] == got["root"] == got["pwd"]
        assert got["abspath"] == os.path.join(got["root"], "settings.json")
        assert got["exists"] is True
        assert got["listdir"] == ["app.py", "settings.json", "sub"]
        assert got["glob"] == ["settings.json"]
        assert got["walk"] == ["app.py", "inner.txt", "settings.json"]
        # The test process's own calls, made while the mock is active, still read its own folder.
        assert os.getcwd() == str(elsewhere)
        assert json.loads(Path("settings.json").read_text()) == {"from": "the test"}


MOVES = (
    "import os\n\n"
    "def handler(event, context):\n"
    "    before = os.getcwd()\n"
    "    try:\n"
    "        os.chdir(event['to'])\n"
    "    except OSError as error:\n"
    "        return {'error': type(error).__name__, 'message': str(error)}\n"
    "    found = sorted(os.listdir())\n"
    "    return {'before': before, 'after': os.getcwd(), 'found': found, 'root': os.environ['LAMBDA_TASK_ROOT']}\n"
)


@own
def test_chdir_moves_the_environment_and_not_the_test_process(elsewhere: Path) -> None:
    with mock_lambda():
        client = deploy(MOVES)
        _, first = call(client, to="sub")
        assert first["before"] == first["root"]
        assert first["after"] == os.path.join(first["root"], "sub")
        assert first["found"] == ["inner.txt"]
        assert os.getcwd() == str(elsewhere)
        # The environment stays where its code moved it, as a process on Lambda does from one invocation to the next.
        _, second = call(client, to="..")
        assert (second["before"], second["after"]) == (first["after"], first["root"])


@own
@pytest.mark.parametrize(("to", "error", "message"), [
    ("missing", "FileNotFoundError", "[Errno 2] No such file or directory: 'missing'"),
    ("settings.json", "NotADirectoryError", "[Errno 20] Not a directory: 'settings.json'"),
])
def test_chdir_refuses_as_python_does(elsewhere: Path, to: str, error: str, message: str) -> None:
    with mock_lambda():
        assert call(deploy(MOVES), to=to)[1] == {"error": error, "message": message}


@own
def test_an_error_names_the_path_as_the_code_gave_it(elsewhere: Path) -> None:
    source = "def handler(event, context):\n    return open('missing.json').read()\n"
    with mock_lambda():
        error, got = call(deploy(source))
    assert error == "Unhandled"
    assert (got["errorType"], got["errorMessage"]) == (
        "FileNotFoundError", "[Errno 2] No such file or directory: 'missing.json'")


@own
def test_environments_running_at_once_each_have_their_own_directory(elsewhere: Path) -> None:
    source = (
        "import os\n"
        "from tests.runtime import sync\n\n"
        "def handler(event, context):\n"
        "    os.chdir(event['to'])\n"
        "    sync.barriers['apart'].wait(10)  # both have moved before either reads\n"
        "    return os.getcwd()\n"
    )
    sync.barriers["apart"] = threading.Barrier(2)
    seen: dict[str, str] = {}
    with mock_lambda():
        client = deploy(source)
        in_threads(lambda index: seen.update({["sub", "."][index]: call(client, to=["sub", "."][index])[1]}), 2)
    assert seen["sub"] == os.path.join(seen["."], "sub")


NATIVE = (
    "import os, shutil, sqlite3, subprocess, sys, tempfile\n\n"
    "def handler(event, context):\n"
    "    copied = shutil.copy2('settings.json', tempfile.mkdtemp())\n"
    "    database = sqlite3.connect('file:sub/inner.txt?mode=ro', uri=True)\n"
    "    try:\n"
    "        database.execute('select * from sqlite_master')\n"
    "    except sqlite3.DatabaseError as error:\n"
    "        sqlite = str(error)  # it opened the function's file (the test's folder has none), which is no database\n"
    "    finally:\n"
    "        database.close()\n"
    "    child = subprocess.run([sys.executable, '-c', 'import os; print(os.getcwd())'], capture_output=True,\n"
    "                           text=True, check=True).stdout.strip()\n"
    "    with open('settings.json') as opened:\n"
    "        name = opened.name\n"
    "    return {'copied': open(copied).read(), 'sqlite': sqlite, 'child': child, 'name': name,\n"
    "            'entries': sorted(entry.path for entry in os.scandir()), 'root': os.environ['LAMBDA_TASK_ROOT']}\n"
)


@own
def test_every_relative_path_is_taken_from_it_and_stays_relative(elsewhere: Path) -> None:
    # The kernel takes them from the thread's directory: shutil's copy, a C extension, a subprocess; and what
    # Python reports names them as the code gave them, as in a process started in /var/task.
    with mock_lambda():
        error, got = call(deploy(NATIVE))
    assert error is None, got
    assert json.loads(got["copied"]) == {"from": "the function"}
    assert got["sqlite"] == "file is not a database"
    assert got["child"] == got["root"]
    assert got["name"] == "settings.json"
    assert got["entries"] == ["./app.py", "./settings.json", "./sub"]


@own
def test_chdir_by_descriptor_moves_the_environment_alone(elsewhere: Path) -> None:
    source = (
        "import os\n\n"
        "def handler(event, context):\n"
        "    descriptor = os.open('sub', os.O_RDONLY)\n"
        "    try:\n"
        "        os.chdir(descriptor)\n"
        "    finally:\n"
        "        os.close(descriptor)\n"
        "    return os.listdir()\n"
    )
    with mock_lambda():
        assert call(deploy(source)) == (None, ["inner.txt"])
        assert os.getcwd() == str(elsewhere)


def test_where_a_thread_cannot_have_its_own_the_test_process_keeps_its_own(
        elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not Linux, or unshare(2) refused: the function shares the test process's directory, which stays where it is.
    monkeypatch.setattr(workdir, "_lookup", lambda: None)
    with mock_lambda():
        _, got = call(deploy("import os\n\ndef handler(event, context):\n    return os.getcwd(), os.environ.get('PWD')\n"))
    assert got == [os.getcwd(), os.environ.get("PWD")]
    assert got[0] == str(elsewhere)


def _deploy_files(files: dict[str, str], name: str = "f") -> Any:
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=30,
                           Code={"ZipFile": package(files)})
    return client


@own
def test_a_relative_sys_path_entry_stays_the_test_process_s(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Python keeps one finder per sys.path entry for every thread, made absolute from the directory of the thread
    # that first looked. A handler importing, through the test process's sys.path, a module that its function does
    # not ship must find the test's copy, and leave the entry the test's for the rest of the run.
    name = f"shared_{uuid.uuid4().hex}"
    (elsewhere / "lib").mkdir()
    (elsewhere / "lib" / f"{name}.py").write_text("WHOSE = 'the test'\n")
    (elsewhere / "lib" / f"{name}-1.0.dist-info").mkdir()
    (elsewhere / "lib" / f"{name}-1.0.dist-info" / "METADATA").write_text(f"Name: {name}\nVersion: 1.0\n")
    monkeypatch.syspath_prepend("lib")
    monkeypatch.delitem(sys.path_importer_cache, "lib", raising=False)
    monkeypatch.delitem(sys.modules, name, raising=False)
    source = (
        "import importlib.metadata\n\n"
        "def handler(event, context):\n"
        "    try:\n"
        "        import nowhere_to_be_found  # looked for along every entry, 'lib' too\n"
        "    except ImportError:\n"
        "        pass\n"
        f"    import {name}\n"
        f"    return [{name}.WHOSE, importlib.metadata.version('{name}'),\n"
        "            sorted(str(found.metadata['Name']) for found in importlib.metadata.distributions())]\n"
    )
    listed = sorted(str(found.metadata["Name"]) for found in importlib.metadata.distributions())
    with mock_lambda():
        client = _deploy_files({"app.py": source, f"lib/{name}.py": "WHOSE = 'the function'\n"})
        assert call(client) == (None, ["the test", "1.0", listed])  # each once, as the test process lists them
    assert getattr(sys.path_importer_cache["lib"], "path", None) == str(elsewhere / "lib")
    sys.modules.pop(name, None)


@own
def test_a_relative_zip_stays_the_test_process_s(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A zipped package's __path__ is relative too ('deps.zip/pkg'): its finder must read the test's zip, whether a
    # handler is first to look a submodule up (first) or the test process was, with a finder of that relative path
    # that every thread shares (second).
    first, second = (f"zpkg_{uuid.uuid4().hex}" for _ in range(2))
    with zipfile.ZipFile(elsewhere / "deps.zip", "w") as archive:
        for name in (first, second):
            for module in ("__init__", "a", "b"):
                archive.writestr(f"{name}/{module}.py", f"WHOSE = {module!r}\n")
    monkeypatch.syspath_prepend("deps.zip")
    for key in ("deps.zip", f"deps.zip/{first}", f"deps.zip/{second}"):
        monkeypatch.delitem(sys.path_importer_cache, key, raising=False)
    source = (f"import {first}.b, {second}.b\n\n"
              f"def handler(event, context):\n    return [{first}.b.WHOSE, {second}.b.WHOSE]\n")
    try:
        assert importlib.import_module(first).__path__ == [os.path.join("deps.zip", first)]  # the test's, first
        assert importlib.import_module(f"{second}.a").WHOSE == "a"
        with mock_lambda():
            assert call(_deploy_files({"app.py": source})) == (None, ["b", "b"])
            assert importlib.import_module(f"{first}.a").WHOSE == "a"
    finally:
        for name in (first, second):
            for module in ("", ".a", ".b"):
                sys.modules.pop(name + module, None)


@own
def test_a_relative_entry_the_test_s_directory_lacks_is_not_the_task_root_s(
        elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The test process would find no folder there: a handler's lookup must not make it the task root's 'vendor'
    # for the whole process (which the mock deletes when it stops).
    monkeypatch.syspath_prepend("vendor")
    monkeypatch.delitem(sys.path_importer_cache, "vendor", raising=False)
    source = "def handler(event, context):\n    import vendored\n"
    with mock_lambda():
        error, got = call(_deploy_files({"app.py": source, "vendor/vendored.py": ""}))
    assert (error, got["errorType"]) == ("Unhandled", "ModuleNotFoundError")
    assert sys.path_importer_cache["vendor"] is None


@own
def test_an_entry_only_its_own_hook_knows_keeps_its_finder(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # setuptools' editable installs put a placeholder on sys.path ('__editable__.x.finder.__path_hook__'), a
    # relative str that names no folder and that only their own hook takes.
    placeholder = f"__editable__.{uuid.uuid4().hex}.finder.__path_hook__"
    finder = types.SimpleNamespace(find_spec=lambda *_: None)  # stands for setuptools' finder

    def hook(path: str) -> Any:
        if path != placeholder:
            raise ImportError(path)
        return finder

    monkeypatch.setattr(sys, "path_hooks", [*sys.path_hooks, hook])
    monkeypatch.syspath_prepend(placeholder)
    monkeypatch.delitem(sys.path_importer_cache, placeholder, raising=False)
    source = "def handler(event, context):\n    try:\n        import nowhere_to_be_found\n    except ImportError:\n        return 'looked'\n"
    with mock_lambda():
        assert call(_deploy_files({"app.py": source})) == (None, "looked")
    assert sys.path_importer_cache[placeholder] is finder


@own
def test_a_dependency_the_test_process_has_is_its_own_with_the_empty_entry(
        elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # '' on sys.path (notebooks, python -c) is the directory of the thread that looks: the task root, for a
    # handler. A dependency the zip ships that the test process has comes from the test process (one copy, see
    # docs/code.md), not from the zip through ''.
    name = f"dep_{uuid.uuid4().hex}"
    (elsewhere / "site").mkdir()
    (elsewhere / "site" / f"{name}.py").write_text("WHOSE = 'the test'\n")
    (elsewhere / "site" / f"{name}-1.0.dist-info").mkdir()
    (elsewhere / "site" / f"{name}-1.0.dist-info" / "METADATA").write_text(f"Name: {name}\nVersion: 1.0\n")
    monkeypatch.syspath_prepend(str(elsewhere / "site"))
    monkeypatch.syspath_prepend("")
    monkeypatch.delitem(sys.modules, name, raising=False)
    source = (f"import importlib.metadata, {name}\n\n"
              f"def handler(event, context):\n    return [{name}.WHOSE, importlib.metadata.version('{name}')]\n")
    with mock_lambda():
        client = _deploy_files({"app.py": source, f"{name}.py": "WHOSE = 'the zip'\n",
                                f"{name}-2.0.dist-info/RECORD": f"{name}.py,,\n",
                                f"{name}-2.0.dist-info/METADATA": f"Name: {name}\nVersion: 2.0\n"})
        assert call(client) == (None, ["the test", "1.0"])
        assert getattr(sys.modules.get(name), "WHOSE", None) == "the test"
    sys.modules.pop(name, None)


@own
def test_a_thread_lambdamock_starts_from_a_handler_works_in_the_test_process_s(elsewhere: Path) -> None:
    # The first asynchronous invocation starts the pool that runs them: here from f's handler, on f's thread.
    source = (
        "import os, boto3\n\n"
        "def handler(event, context):\n"
        "    boto3.client('lambda', region_name='us-east-1').invoke(FunctionName='g', InvocationType='Event')\n"
        "    return os.getcwd()\n"
    )
    with mock_lambda() as mock:
        client = deploy(source)
        deploy("def handler(event, context):\n    return None\n", name="g")
        error, root = call(client)
        assert error is None, root
        mock.wait()
        pool = [thread for thread in threading.enumerate() if thread.name.startswith("lambdamock-event")]
        assert pool and root != str(elsewhere)
        assert {os.readlink(f"/proc/self/task/{thread.native_id}/cwd") for thread in pool} == {str(elsewhere)}


@own
def test_which_dependencies_the_test_process_has_is_judged_from_its_directory(
        elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # '' on sys.path (notebooks, python -c) is the directory of the thread that looks. g's dependency is also a
    # module of f's, so judged from f's directory, where f's handler invokes g (code in place: looked at on the
    # caller's thread, with nothing to unzip), it would pass for the test process's own: loaded into sys.modules
    # rather than kept in g's code.
    name = f"dep_{uuid.uuid4().hex}"
    monkeypatch.syspath_prepend("")
    tree = elsewhere / "g"
    tree.mkdir()
    (tree / "app.py").write_text(f"import {name}\n\ndef handler(event, context):\n    return {name}.WHOSE\n")
    (tree / f"{name}.py").write_text("WHOSE = 'g'\n")
    (tree / f"{name}-1.0.dist-info").mkdir()
    (tree / f"{name}-1.0.dist-info" / "RECORD").write_text(f"{name}.py,,\n")
    caller = (
        "import boto3\n\n"
        "def handler(event, context):\n"
        "    return boto3.client('lambda', region_name='us-east-1').invoke(FunctionName='g')['Payload'].read().decode()\n"
    )
    with mock_lambda():
        client = deploy(caller)
        client.create_function(FunctionName="g", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"S3Bucket": "hot-reload", "S3Key": str(tree)})
        client.update_function_code(FunctionName="f", ZipFile=package({"app.py": caller, f"{name}.py": "WHOSE = 'f'\n"}))
        assert call(client) == (None, '"g"')
        assert sys.modules.get(name) is None


@own
def test_a_deleted_test_directory_leaves_functions_working(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An earlier test moved into a temporary folder and never left it: there is no directory to keep imports on.
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with mock_lambda():
        client = deploy("def handler(event, context):\n    return 'ran'\n")
        assert call(client) == (None, "ran")


@own
def test_a_handler_s_umask_stays_its_environment_s(elsewhere: Path) -> None:
    caller = ("import os, boto3\n\n"
              "def handler(event, context):\n"
              "    os.umask(0o077)\n"
              "    return boto3.client('lambda', region_name='us-east-1').invoke(FunctionName='g')['Payload'].read().decode()\n")
    probe = "import os\n\ndef handler(event, context):\n    mask = os.umask(0)\n    os.umask(mask)\n    return mask\n"
    mask = os.umask(0o022)
    try:
        with mock_lambda():
            client = deploy(caller)
            deploy(probe, name="g")
            assert call(client) == (None, "18")  # 0o022: g's environment, started from f's call, has the test's
            assert call(client, name="g") == (None, 0o022)
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(mask)
