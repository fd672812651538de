"""Deployment packages are judged at upload, as AWS does: unreadable zips, size limits, file modes."""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import zipfile
import zlib
from typing import Any, Callable

import pytest

from lambdamock import package
from tests.helpers import ROLE, zip_with_links

UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."
ECHO = "def handler(event, context):\n    return event\n"


def stored(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def patched(data: bytes, local_offset: int, central_offset: int, value: bytes) -> bytes:
    """The zip with ``value`` written at an offset of every local header and every central directory entry."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)):
        for found in re.finditer(re.escape(signature), data):
            out[found.start() + offset : found.start() + offset + len(value)] = value
    return bytes(out)


def encrypted() -> bytes:
    # General purpose flag bit 0: the entry is encrypted (offset 6 in local headers, 8 in the directory).
    return patched(stored({"app.py": ECHO.encode()}), 6, 8, struct.pack("<H", 1))


def deflate64() -> bytes:
    # Compression method 9 (deflate64), which Lambda cannot inflate (offset 8 local, 10 directory).
    return patched(stored({"app.py": ECHO.encode()}), 8, 10, struct.pack("<H", 9))


def bad_crc() -> bytes:
    return patched(stored({"app.py": ECHO.encode()}), 14, 16, struct.pack("<I", zlib.crc32(b"other")))


def truncated_deflate() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", ECHO * 50)
    data = buffer.getvalue()
    start = data.index(b"app.py") + len("app.py") + 2  # damage the compressed stream itself
    return data[:start] + bytes(b ^ 0xFF for b in data[start : start + 8]) + data[start + 8 :]


BROKEN: dict[str, Callable[[], bytes]] = {
    "encrypted entry": encrypted,
    "deflate64": deflate64,
    "bad CRC": bad_crc,
    "corrupt deflate stream": truncated_deflate,
    "absolute name": lambda: stored({"/etc/app.py": b"x"}),
    "parent directory": lambda: stored({"../app.py": b"x"}),
    "name too long": lambda: stored({"a" * 256 + ".py": b"x"}),
    # Linux holds names of up to 255 bytes (NAME_MAX), counted in UTF-8 bytes, not characters.
    "name of 256 bytes": lambda: stored({"a" * 253 + ".py": b"x"}),
    "name of 257 bytes in 130 characters": lambda: stored({"\u00e9" * 127 + ".py": b"x"}),
    "file and directory clash": lambda: stored({"pkg": b"x", "pkg/mod.py": b"y"}),
    "not a zip": lambda: b"definitely not a zip",
}


# AWS's text for a zip with no entry, as deployments that zipped nothing report it (Terraform:
# dumrauf/serverless_static_website_with_basic_auth#17; a layer through CloudFormation:
# aws-samples/sample-serverless-mcp-servers#5).
REFUSED = {**{name: (make, UNZIP) for name, make in BROKEN.items()},
           "no entry": (lambda: stored({}), "Uploaded file must be a non-empty zip")}


@pytest.mark.parametrize(("make", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_unreadable_zips_are_refused_at_upload(client, aws_error, make, message) -> None:
    data = make()
    with aws_error(client, "InvalidParameterValueException", message):
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": data})
    client.create_function(FunctionName="ok", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": ECHO})})
    with aws_error(client, "InvalidParameterValueException", message):
        client.update_function_code(FunctionName="ok", ZipFile=data)
    with aws_error(client, "InvalidParameterValueException", message):
        client.publish_layer_version(LayerName="l", Content={"ZipFile": data})
    assert client.list_layers()["Layers"] == []
    assert json.loads(client.invoke(FunctionName="ok", Payload=b'{"a": 1}')["Payload"].read()) == {"a": 1}


def test_a_zip_with_directory_entries_as_zip_r_makes_it_is_taken(client) -> None:
    # AWS's guide to Python .zip packages builds them with `zip -r`, which records each folder as an entry of its own
    # ("package/", ending in "/"), before the files in it.
    code = stored({"pkg/": b"", "pkg/sub/": b"", "pkg/sub/mod.py": b"NAME = 'mod'\n", "app.py":
                   b"import pkg.sub.mod\ndef handler(event, context):\n    return pkg.sub.mod.NAME\n"})
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": code})
    assert json.loads(client.invoke(FunctionName="f")["Payload"].read()) == "mod"


def test_a_zip_with_an_entry_for_its_own_top_folder_as_sst_makes_it_is_taken(client) -> None:
    # SST v3 zips every function's bundle from "." (platform/src/components/aws/function.ts), so its code.zip starts
    # with a "./" folder entry, and Lambda takes it: anomalyco/sst#5600 lists such a zip of a deployed function.
    # A "." in a name names the folder it is in, as for that entry.
    layer = client.publish_layer_version(LayerName="l", Content={"ZipFile": stored(
        {"./": b"", "./python/": b"", "./python/extra.py": b"NAME = 'extra'\n"})})
    code = stored({"./": b"", "./pkg/./mod.py": b"NAME = 'mod'\n", "app.py": b"import extra, pkg.mod\n"
                   b"def handler(event, context):\n    return [pkg.mod.NAME, extra.NAME]\n"})
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": code}, Layers=[layer["LayerVersionArn"]])
    assert json.loads(client.invoke(FunctionName="f")["Payload"].read()) == ["mod", "extra"]


def test_a_zipped_package_over_50_mb_is_too_large(client, aws_error) -> None:
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaSizeLimits::test_oversized_zipped_create_lambda.
    data = stored({"app.py": ECHO.encode(), "blob.bin": b"\0" * (52428800 - 100)})
    with aws_error(client, "RequestEntityTooLargeException", "Zipped size must be smaller than 52428800 bytes",
                   typed=False):
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": data})


def test_a_zipped_package_over_50_mb_is_too_large_for_an_update_too(client, aws_error) -> None:
    # The 50 MB quota of a zip uploaded through the API holds for UpdateFunctionCode as for CreateFunction (Lambda
    # quotas, "Deployment package (.zip file archive) size"); its text on an update is not recorded, so not pinned.
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": ECHO})})
    data = stored({"app.py": ECHO.encode(), "blob.bin": b"\0" * (52428800 - 100)})
    with aws_error(client, "RequestEntityTooLargeException", None, typed=False):
        client.update_function_code(FunctionName="f", ZipFile=data)


def test_a_zipped_layer_over_50_mb_is_too_large(client, aws_error) -> None:
    # Lambda quotas (gettingstarted-limits), "Deployment package (.zip file archive) size": "50 MB (zipped, for
    # direct upload)", as a layer's zip is uploaded too; the text for a layer is not recorded, so not pinned.
    data = stored({"python/lib.py": b"", "blob.bin": b"\0" * (52428800 - 100)})
    with aws_error(client, "RequestEntityTooLargeException", None, typed=False):
        client.publish_layer_version(LayerName="l", Content={"ZipFile": data})
    assert client.list_layers()["Layers"] == []


def test_a_request_over_the_create_function_limit_is_too_large(client, aws_error) -> None:
    # Recorded: TestLambdaSizeLimits::test_oversized_request_create_lambda — the zip just under its own
    # limit, an environment far over its 4 KB, and the request size is what AWS reports.
    data = stored({"app.py": ECHO.encode(), "blob.bin": b"\0" * (52428800 - 2048)})
    with aws_error(client, "RequestEntityTooLargeException",
                   "Request must be smaller than 70167211 bytes for the CreateFunction operation", typed=False):
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": data}, Environment={"Variables": {"BIG": "x" * (1 << 20)}})


@pytest.mark.parametrize("megabytes", [251, 250])
def test_a_package_unzipping_to_250_mb_or_more_is_refused(client, aws_error, megabytes: int) -> None:
    # Recorded: TestLambdaSizeLimits::test_oversized_unzipped_lambda, whose one file is exactly 262144000 bytes:
    # "must be smaller than" refuses the limit itself. A zip bomb, read without being kept.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("handler.py", "w") as handle:
        chunk = b"#" * (1 << 20)
        for _ in range(megabytes):
            handle.write(chunk)
    with aws_error(client, "InvalidParameterValueException", "Unzipped size must be smaller than 262144000 bytes"):
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="handler.handler",
                               Code={"ZipFile": buffer.getvalue()})


def test_a_package_unzipping_to_one_byte_under_250_mb_is_taken(client) -> None:
    # "Unzipped size must be smaller than 262144000 bytes" (recorded, see above): 262143999 bytes are within it.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("app.py", ECHO)
        with archive.open("blob.bin", "w") as handle:
            chunk = b"#" * (1 << 20)
            for _ in range(249):
                handle.write(chunk)
            handle.write(chunk[: (1 << 20) - 1 - len(ECHO)])
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": buffer.getvalue()})


def test_file_modes_from_the_zip_are_kept(client) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "import os, subprocess\n"
                                   "def handler(event, context):\n"
                                   "    tool = os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'bin', 'tool')\n"
                                   "    out = subprocess.run([tool], capture_output=True, text=True).stdout\n"
                                   "    app = os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'app.py')\n"
                                   "    return [os.access(tool, os.X_OK), out.strip(), os.access(app, os.X_OK)]\n")
        tool = zipfile.ZipInfo("bin/tool")
        tool.create_system = 3  # Unix, so external_attr carries the mode
        tool.external_attr = 0o100755 << 16
        archive.writestr(tool, "#!/bin/sh\necho bundled binary ran\n")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": buffer.getvalue()})
    response: Any = client.invoke(FunctionName="f", Payload=b"{}")
    assert json.loads(response["Payload"].read()) == [True, "bundled binary ran", False]


def test_symbolic_links_in_the_package_are_links(client) -> None:
    # Lambda keeps a package's links (users' reports: terraform-aws-modules/terraform-aws-lambda#596,
    # aws/aws-sam-cli#4364). One that leads out of the package is left out, as if dangling.
    code = zip_with_links(
        {"app.py": "import os, alias, pkg.mod\n"
                   "def handler(event, context):\n"
                   "    root = os.environ['LAMBDA_TASK_ROOT']\n"
                   "    return [alias.NAME, pkg.mod.NAME, os.path.exists(os.path.join(root, 'outside')),\n"
                   "            os.path.islink(os.path.join(root, 'alias.py'))]\n",
         "real.py": "NAME = 'real'\n", "src/pkg/__init__.py": "", "src/pkg/mod.py": "NAME = 'mod'\n"},
        {"alias.py": "real.py", "pkg": "src/pkg", "outside": "../../../etc"})
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": code})
    response: Any = client.invoke(FunctionName="f", Payload=b"{}")
    assert json.loads(response["Payload"].read()) == ["real", "mod", False, True]


def _wrapped(wrapper: str) -> bytes:
    """A package whose handler returns WRAPPER_VAR, with ``wrapper`` as its executable file ``wrapper``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "import os\ndef handler(event, context):\n    return os.getenv('WRAPPER_VAR')\n")
        script = zipfile.ZipInfo("wrapper")
        script.external_attr = 0o100755 << 16
        archive.writestr(script, wrapper)
    return buffer.getvalue()


def _run_wrapped(client: Any, wrapper: str, name: str = "f", **settings: Any) -> tuple[Any, str]:
    """Invoke a new function of ``_wrapped(wrapper)`` run through that wrapper: its answer, and its log."""
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": _wrapped(wrapper)},
                           Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrapper"}}, **settings)
    answer = client.invoke(FunctionName=name, LogType="Tail")
    return json.loads(answer["Payload"].read()), base64.b64decode(answer["LogResult"]).decode()


def test_an_exec_wrapper_in_the_package_sets_the_environment(client) -> None:
    # AWS's runtime-modification guide: the runtime starts through AWS_LAMBDA_EXEC_WRAPPER, and what the wrapper
    # exports is the function's environment (LocalStack's AWS-validated test_runtime_wrapper_invoke). What it
    # prints is init's log.
    result, _ = _run_wrapped(client, "#!/bin/bash\nexport WRAPPER_VAR=from-the-wrapper\necho wrapping\nexec \"$@\"\n")
    assert result == "from-the-wrapper"
    # One that fails here (written for Lambda's file system, say) sets nothing, and says so in init's log.
    result, log = _run_wrapped(client, "#!/bin/bash\nexec python3 /opt/missing/instrument \"$@\"\n", name="g")
    assert result is None and "did not start the runtime it was given" in log


def test_an_exec_wrapper_run_again_after_a_slow_init_has_the_function_s_timeout(client, monkeypatch) -> None:
    # The wrapper is part of init: one that outlives Lambda's 10 s (0.3 s here) is run again, within the function's
    # timeout (AWS's execution environment lifecycle guide), and what it exports then applies.
    from lambdamock.runtime import runtime as runtime_module
    from lambdamock.runtime import wrapper as wrapper_module

    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.3)
    limits = []
    run = wrapper_module.run
    monkeypatch.setattr(wrapper_module, "run", lambda path, environment, limit: limits.append(limit) or run(
        path, environment, limit))
    slow = "#!/bin/sh\nsleep 0.6\nexport WRAPPER_VAR=from-the-wrapper\nexec \"$@\"\n"
    result, log = _run_wrapped(client, slow, Timeout=5)
    assert result == "from-the-wrapper", log
    assert "Phase: init\tStatus: timeout" in log
    assert limits == [0.3, 5], "each run of the wrapper has its init's time"


def test_an_exec_wrapper_may_name_another_handler(client) -> None:
    # The runtime loads the handler that _HANDLER names after the wrapper ran: the OpenTelemetry Lambda layer's
    # otel-instrument exports ORIG_HANDLER=$_HANDLER and _HANDLER=otel_wrapper.lambda_handler (open-telemetry/
    # opentelemetry-lambda, python/src/otel/otel_sdk/otel-instrument). Found running it in a function.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 'original'\n")
        archive.writestr("wrap.py", "import importlib, os\n"
                                    "def handler(event, context):\n"
                                    "    module, name = os.environ['ORIG_HANDLER'].rsplit('.', 1)\n"
                                    "    return ['wrapped', getattr(importlib.import_module(module), name)(event, context)]\n")
        script = zipfile.ZipInfo("instrument")
        script.external_attr = 0o100755 << 16
        archive.writestr(script, '#!/bin/bash\nexport ORIG_HANDLER="$_HANDLER"\nexport _HANDLER=wrap.handler\nexec "$@"\n')
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": buffer.getvalue()},
                           Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/instrument"}})
    answer = client.invoke(FunctionName="f")
    assert json.loads(answer["Payload"].read()) == ["wrapped", "original"]


def test_what_an_exec_wrapper_writes_to_either_stream_is_init_s_log(client) -> None:
    # docs/invoking.md, "An exec wrapper": what it prints is init's log, and the variables it exports are the
    # function's; Lambda's log has what the runtime's process writes to stdout and to stderr alike.
    wrapper = "#!/bin/bash\necho first line\necho second line\necho to stderr >&2\nexport WRAPPER_VAR=set\n"
    result, log = _run_wrapped(client, wrapper + 'exec "$@"\n')
    assert result == "set", log
    assert "first line\nsecond line\n" in log and "to stderr\n" in log
    assert log.index("to stderr") < log.index("START RequestId"), "written in init"


def test_an_exec_wrapper_that_runs_the_runtime_but_fails_sets_nothing(client) -> None:
    # docs/invoking.md, "An exec wrapper": one that fails sets nothing and says so in init's log; the handler runs.
    result, log = _run_wrapped(client, "#!/bin/bash\nexport WRAPPER_VAR=set\n\"$@\"\nexit 3\n")
    assert result is None, log
    assert "did not start the runtime it was given (exit status 3)" in log
