"""Code in place (LocalStack's "hot-reload" bucket): the handler runs from the user's directory itself."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from lambdamock import package
from tests.helpers import ROLE

HANDLER = "import os\ndef handler(event, context):\n    return {'version': VERSION, 'file': __file__}\nVERSION = 1\n"


def in_place(directory: Path) -> dict[str, str]:
    return {"S3Bucket": "hot-reload", "S3Key": str(directory)}


def call(client: Any) -> tuple[Any, bool]:
    response = client.invoke(FunctionName="f", Payload=b"{}", LogType="Tail")
    return json.loads(response["Payload"].read()), b"Init Duration" in base64.b64decode(response["LogResult"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(HANDLER)
    return tmp_path


def test_the_handler_runs_from_the_directory_and_sees_edits(client: Any, lambda_mock: Any, project: Path) -> None:
    created = client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                     Code=in_place(project))
    assert created["CodeSha256"] == client.get_function(FunctionName="f")["Configuration"]["CodeSha256"]
    first = client.invoke(FunctionName="f", Payload=b"{}")
    assert json.loads(first["Payload"].read()) == {"version": 1, "file": str(project / "app.py")}
    assert lambda_mock.invocations[-1].cold
    client.invoke(FunctionName="f", Payload=b"{}")
    assert not lambda_mock.invocations[-1].cold, "unchanged code stays warm"
    source = project / "app.py"
    source.write_text(HANDLER.replace("VERSION = 1", "VERSION = 2"))
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    edited = client.invoke(FunctionName="f", Payload=b"{}")
    assert json.loads(edited["Payload"].read())["version"] == 2
    assert lambda_mock.invocations[-1].cold, "an edit retires warm environments, as a code update does"


def test_sha_and_size_are_the_trees_packaged(client: Any, project: Path) -> None:
    (project / "lib").mkdir()
    (project / "lib" / "util.py").write_text("X = 1\n")
    created = client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                     Code=in_place(project))
    zipped = client.create_function(FunctionName="g", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                    Code={"ZipFile": package(project)})
    assert (created["CodeSha256"], created["CodeSize"]) == (zipped["CodeSha256"], zipped["CodeSize"])


def test_update_function_code_can_switch_to_code_in_place(client: Any, project: Path) -> None:
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return 'zip'\n"})})
    assert call(client)[0] == "zip"
    client.update_function_code(FunctionName="f", **in_place(project))
    assert call(client)[0]["version"] == 1


def test_a_directory_still_empty_is_taken_and_its_code_runs_once_written(client: Any, tmp_path: Path) -> None:
    # Nothing is uploaded, so an empty zip's refusal is no answer to it.
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=in_place(tmp_path))
    (tmp_path / "app.py").write_text(HANDLER)
    assert call(client)[0]["version"] == 1


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("relative/dir", "When using hot reloading, the archive key has to be an absolute path! "
                         "Your archive key: relative/dir"),
        ("/no/such/lambdamock/dir", "When using hot reloading, the archive key has to be an existing directory! "
                                    "Your archive key: /no/such/lambdamock/dir"),
    ],
)
def test_a_key_that_is_no_directory_is_refused(client: Any, aws_error: Any, key: str, text: str) -> None:
    # The absolute-path text is LocalStack's (this is its convention); AWS has no hot-reload bucket.
    with aws_error(client, "InvalidParameterValueException", text):
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"S3Bucket": "hot-reload", "S3Key": key})


def test_coverage_measures_the_handler_at_its_real_file(project: Path, tmp_path: Path) -> None:
    coverage = pytest.importorskip("coverage")
    script = textwrap.dedent(
        f"""
        import coverage, boto3, json
        cov = coverage.Coverage(data_file=None, include=[{str(project / "app.py")!r}])
        cov.start()
        from lambdamock import mock_lambda
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            client.create_function(FunctionName="f", Runtime="python3.12", Role={ROLE!r}, Handler="app.handler",
                                   Code={{"S3Bucket": "hot-reload", "S3Key": {str(project)!r}}})
            client.invoke(FunctionName="f", Payload=b"{{}}")
        cov.stop()
        print(json.dumps(sorted(cov.get_data().lines({str(project / "app.py")!r}) or [])))
        """
    )
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env,
                          cwd=str(Path(__file__).resolve().parent.parent))
    assert done.returncode == 0, done.stderr
    assert coverage is not None and 3 in json.loads(done.stdout), "the handler's body line was measured"


def test_a_virtualenv_inside_the_project_is_named_as_the_runtime_s_packages(client: Any, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # A project with its own .venv (uv's, Poetry's in-project one): its packages' frames are the runtime's
    # site-packages on Lambda, not files of the task root.
    from lambdamock.runtime import payloads

    site = tmp_path / ".venv" / "lib" / "python3.12" / "site-packages"
    (site / "tinypkg").mkdir(parents=True)
    (site / "tinypkg" / "__init__.py").write_text("def fail():\n    raise ValueError('inside')\n")
    (tmp_path / "app.py").write_text("import tinypkg\ndef handler(event, context):\n    tinypkg.fail()\n")
    monkeypatch.syspath_prepend(str(site))  # the test process runs from that virtualenv
    monkeypatch.setattr(payloads, "_installation", lambda: ((os.path.join(str(site), ""),), ()))
    client.create_function(FunctionName="venv", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=in_place(tmp_path))
    trace = json.loads(client.invoke(FunctionName="venv")["Payload"].read())["stackTrace"]
    assert [line.split('"')[1] for line in trace] == [
        "/var/task/app.py", "/var/lang/lib/python3.12/site-packages/tinypkg/__init__.py"]


def test_edits_in_a_linked_directory_are_seen_and_a_dangling_link_is_left_out(client: Any, project: Path,
                                                                               tmp_path_factory: Any) -> None:
    # Found in review: edits under a linked package directory were not seen (the change check did not follow the
    # link), and a link that leads nowhere (an editor's lock file) made CreateFunction raise FileNotFoundError.
    shared = tmp_path_factory.mktemp("shared") / "shared"
    shared.mkdir()
    (shared / "__init__.py").write_text("")
    (shared / "mod.py").write_text("VALUE = 'a'\n")
    (project / "shared").symlink_to(shared)
    (project / ".#app.py").symlink_to("user@host.1234:1700000000")
    (project / "app.py").write_text("from shared import mod\ndef handler(event, context):\n    return mod.VALUE\n")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=in_place(project))
    assert call(client)[0] == "a"
    edited = shared / "mod.py"
    edited.write_text("VALUE = 'b'\n")
    os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 10**9))
    assert call(client) == ("b", True)


def test_code_in_place_imports_from_its_layers(client: Any, project: Path) -> None:
    (project / "app.py").write_text("import tool\ndef handler(event, context):\n    return tool.NAME\n")
    layer = client.publish_layer_version(LayerName="tool", Content={"ZipFile": package({"python/tool.py": "NAME = 'tool'\n"})})
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=in_place(project), Layers=[layer["LayerVersionArn"]])
    assert call(client)[0] == "tool"


def test_an_edit_that_keeps_the_file_s_time_is_seen_by_its_size(client: Any, project: Path) -> None:
    # A tool that keeps modification times (cp -p, rsync -t, a checkout) may leave only the size changed.
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code=in_place(project))
    assert call(client)[0]["version"] == 1
    source = project / "app.py"
    kept = source.stat()
    source.write_text(HANDLER.replace("VERSION = 1", "VERSION = 22"))
    os.utime(source, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    assert call(client)[0]["version"] == 22
