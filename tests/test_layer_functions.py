"""Functions with layers: AWS's checks of Layers, the configuration it shows, and handlers importing from layers."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from lambdamock import package
from tests.conftest import REGION
from tests.helpers import MODEL
from tests.layer_helpers import LAYER_ZIP, layer_arn, publish
from tests.runtime import sync

IMPORTING = "import layerlib\n\ndef handler(event, context):\n    return layerlib.TAG\n"


def layerlib(tag: str) -> dict[str, Any]:
    """Content of a layer holding version ``tag`` of layerlib, installed as pip installs it for python3.12."""
    site = "python/lib/python3.12/site-packages"
    return {"ZipFile": package({
        f"{site}/layerlib/__init__.py": "from layerlib.version import TAG\n",
        f"{site}/layerlib/version.py": f"TAG = {tag!r}\n",
        f"{site}/layerlib-{tag}.dist-info/RECORD": "layerlib/__init__.py,,\nlayerlib/version.py,,\n",
    })}


def invoke(client: Any, name: str, qualifier: str = "$LATEST") -> Any:
    response = client.invoke(FunctionName=name, Qualifier=qualifier)
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read())


def test_the_configuration_shows_the_layers_in_the_order_given(client, create_function) -> None:
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaLayer::test_layer_lifecycle > update_fn_config,
    # > get_fn_config ([{Arn, CodeSize}]) and > get_fn_config_result (no Layers key without layers).
    assert "Layers" not in create_function("plain")
    small, big = publish(client, "small"), publish(client, "big", Content=layerlib("1.0"))
    created = create_function("f", Layers=[big["LayerVersionArn"], small["LayerVersionArn"]])
    expected = [
        {"Arn": layer_arn("big") + ":1", "CodeSize": big["Content"]["CodeSize"]},
        {"Arn": layer_arn("small") + ":1", "CodeSize": len(LAYER_ZIP)},
    ]
    assert created["Layers"] == expected
    assert client.get_function(FunctionName="f")["Configuration"]["Layers"] == expected
    assert client.get_function_configuration(FunctionName="f")["Layers"] == expected
    listed = {item["FunctionName"]: item for item in client.list_functions()["Functions"]}
    assert listed["f"]["Layers"] == expected and "Layers" not in listed["plain"]
    assert client.publish_version(FunctionName="f")["Layers"] == expected


def test_update_function_configuration_sets_and_clears_layers(client, create_function) -> None:
    # Recorded: TestLambdaLayer::test_layer_lifecycle > update_fn_config (LastUpdateStatus InProgress).
    create_function("f")
    arn = publish(client)["LayerVersionArn"]
    updated = client.update_function_configuration(FunctionName="f", Layers=[arn])
    assert updated["Layers"] == [{"Arn": arn, "CodeSize": len(LAYER_ZIP)}]
    assert updated["LastUpdateStatus"] == "InProgress"
    other = client.update_function_configuration(FunctionName="f", Description="kept")
    assert other["Layers"] == updated["Layers"]
    assert "Layers" not in client.update_function_configuration(FunctionName="f", Layers=[])


TWO_VERSIONS = "Two different versions of the same layer are not allowed to be referenced in the same function. "


def test_layer_reference_errors(client, raw_client, create_function, aws_error) -> None:
    # Recorded: TestLambdaLayer::test_layer_function_exceptions, the key named by each comment (through
    # UpdateFunctionConfiguration; CreateFunction is taken to answer alike).
    versions = [publish(client)["LayerVersionArn"] for _ in range(3)]
    create_function("f", Layers=[versions[0]])
    same = "{} and {} are versions of the same layer."
    cases = [
        (versions[:2], TWO_VERSIONS + same.format(versions[0], versions[1])),  # two_layer_versions_single_function_exc
        (versions, TWO_VERSIONS + same.format(versions[0], versions[1])),  # three_layer_versions_single_function_exc
        ([versions[0]] * 2, TWO_VERSIONS + same.format(versions[0], versions[0])),  # two_identical_layer_versions_...
        ([layer_arn("doesnotexist") + ":1"], f"Layer version {layer_arn('doesnotexist')}:1 does not exist."),  # add_...
        ([layer_arn("lib") + ":9"], f"Layer version {layer_arn('lib')}:9 does not exist."),  # add_nonexistent_layer_...
    ]
    for layers, text in cases:
        with aws_error(client, "InvalidParameterValueException", text):
            client.update_function_configuration(FunctionName="f", Layers=layers)
        with aws_error(client, "InvalidParameterValueException", text):
            create_function("g", Layers=layers)
    pattern = (
        r"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:"
        r"[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)"
    )
    # AWS's limit is 2048 today; older botocore models said 140, and lambdamock echoes the installed model.
    longest = MODEL.shape_for("LayerVersionArn").metadata["max"]
    text = (  # add_layer_arn_without_version_exc
        f"1 validation error detected: Value '[{layer_arn('lib')}]' at 'layers' failed to satisfy constraint: "
        f"Member must satisfy constraint: [Member must have length less than or equal to {longest}, Member must have "
        f"length greater than or equal to 1, Member must satisfy regular expression pattern: {pattern}, "
        "Member must not be null]"
    )
    with aws_error(client, "ValidationException", text, typed=False):
        raw_client.update_function_configuration(FunctionName="f", Layers=[layer_arn("lib")])


def test_layers_of_another_region_and_more_than_five(client, create_function, aws_error) -> None:
    # Recorded: TestLambdaLayer::test_layer_function_exceptions > create_function_with_layer_in_different_region,
    # TestLambdaLayer::test_layer_function_quota_exception > create_function_with_six_layers.
    elsewhere = layer_arn("lib", region="eu-west-1") + ":1"
    text = f"Layers are not in the same region as the function. Layers are expected to be in region {REGION}."
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Layers=[elsewhere])
    six = [publish(client, f"lib{n}")["LayerVersionArn"] for n in range(6)]
    with aws_error(client, "InvalidParameterValueException", "Cannot reference more than 5 layers."):
        create_function("f", Layers=six)
    assert len(create_function("f", Layers=six[:5])["Layers"]) == 5


def test_another_accounts_layer_is_recorded_but_not_loaded(client, create_function) -> None:
    # This mock has one account: another's layers (AWS's own, say) cannot be seen, so they are kept as
    # given, with CodeSize 0, and the handler imports what the test process has instead.
    foreign = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:40"
    created = create_function("f", Layers=[foreign], Code={"ZipFile": package({"index.py": (
        "import json\n\ndef handler(event, context):\n    return json.dumps(1)\n")})})
    assert created["Layers"] == [{"Arn": foreign, "CodeSize": 0}]
    assert invoke(client, "f") == "1"


def test_a_deleted_layer_version_keeps_working_for_the_functions_using_it(client, create_function, aws_error) -> None:
    # Recorded: TestLambdaLayer::test_layer_lifecycle > get_fn_config_postdelete. AWS's docs (adding-layers):
    # a deleted version cannot be added to a function any more.
    arn = publish(client, Content=layerlib("1.0"))["LayerVersionArn"]
    create_function("f", Layers=[arn], Code={"ZipFile": package({"index.py": IMPORTING})})
    client.delete_layer_version(LayerName="lib", VersionNumber=1)
    assert client.get_function_configuration(FunctionName="f")["Layers"][0]["Arn"] == arn
    assert invoke(client, "f") == "1.0"
    with aws_error(client, "InvalidParameterValueException", f"Layer version {arn} does not exist."):
        create_function("g", Layers=[arn])
    client.update_function_configuration(FunctionName="f", Description="still there")
    assert invoke(client, "f") == "1.0"


def zeros(files: dict[str, int]) -> bytes:
    """A zip of files holding that many zero bytes each: large unzipped, small zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("index.py", IMPORTING)
        for name, size in files.items():
            with archive.open(name, "w") as handle:
                for start in range(0, size, 1 << 20):
                    handle.write(bytes(min(1 << 20, size - start)))
    return buffer.getvalue()


def test_layers_added_to_code_already_there_exceed_250_mb_with_the_actual_size(
        client, create_function, aws_error) -> None:
    # AWS's text when layers join code a function already has (UpdateFunctionConfiguration), with the actual
    # size: serverlesspub/ffmpeg-aws-lambda-layer#23, lumigo-io/lambda-log-shipper#8 (layers added to a
    # function), serverless/serverless#8313 (CloudFormation adding a layer first). AWS's docs: "The total
    # unzipped size of the function and all layers cannot exceed the unzipped deployment package size quota".
    half = 131_072_000
    code, layer = zeros({"blob.bin": half}), zeros({"python/blob.bin": half})
    total = 2 * (half + len(IMPORTING))
    text = ("Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. "
            f"The actual size is {total} bytes.")
    big = publish(client, "big", Content={"ZipFile": layer})["LayerVersionArn"]
    create_function("f", Code={"ZipFile": code})
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_configuration(FunctionName="f", Layers=[big])
    create_function("g", Layers=[big])
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_code(FunctionName="g", ZipFile=code)


def test_code_created_next_to_layers_is_told_the_room_the_layers_leave(client, create_function, aws_error) -> None:
    # CreateFunction names the unzipped size left once the layers are counted, not the total:
    # aws/chalice#2081 ("CreateFunction operation: Unzipped size must be smaller than 53642504 bytes"),
    # aws-samples/serverless-pdf-chat#51 (255174947), brefphp/laravel-bridge#109 (209927080) - each
    # 262144000 less the function's layers.
    half = 131_072_000
    big = publish(client, "big", Content={"ZipFile": zeros({"python/blob.bin": half})})["LayerVersionArn"]
    room = 262_144_000 - (half + len(IMPORTING))
    with aws_error(client, "InvalidParameterValueException", f"Unzipped size must be smaller than {room} bytes"):
        create_function("f", Code={"ZipFile": zeros({"blob.bin": half})}, Layers=[big])


def test_layers_over_250_mb_by_themselves_are_refused_as_consuming_too_much(
        client, create_function, aws_error) -> None:
    # AWS's text when the layers alone pass the quota: bento-video/bento#1 (UpdateFunctionConfiguration),
    # ministackorg/ministack#1414 (CreateFunction, "Layers consume more than the available size of
    # 262144000 bytes"), aws-samples/serverless-machine-learning-on-aws#10 (a stack's creation).
    size = 131_100_000
    layers = [publish(client, name, Content={"ZipFile": zeros({"python/blob.bin": size})})["LayerVersionArn"]
              for name in ("one", "two")]
    text = "Layers consume more than the available size of 262144000 bytes"
    with aws_error(client, "InvalidParameterValueException", text):
        create_function("f", Layers=layers)
    create_function("g")
    with aws_error(client, "InvalidParameterValueException", text):
        client.update_function_configuration(FunctionName="g", Layers=layers)


def test_function_code_and_layers_of_exactly_250_mb_unzipped_are_taken(client, create_function) -> None:
    # AWS's docs (above): the total "cannot exceed" 250 MB, and AWS's text says "exceeds": exactly 262144000
    # bytes are within the limit.
    half = 131_072_000 - len(IMPORTING)
    big = publish(client, "big", Content={"ZipFile": zeros({"python/blob.bin": half})})["LayerVersionArn"]
    assert create_function("f", Code={"ZipFile": zeros({"blob.bin": half})}, Layers=[big])["Layers"][0]["Arn"] == big


def test_a_handler_imports_from_its_layers_and_reads_their_files(client, create_function) -> None:
    tool = publish(client, "tool", Content={"ZipFile": package({
        "python/tool.py": "NAME = 'tool'\n", "config/settings.json": '{"level": 3}'})})
    handler = (
        "import json, os, layerlib, tool\n\n"
        "def handler(event, context):\n"
        "    # On AWS the layers are merged into /opt; LAMBDAMOCK_OPT names their folder here.\n"
        "    opt = os.environ.get('LAMBDAMOCK_OPT', '/opt')\n"
        "    with open(os.path.join(opt, 'config', 'settings.json')) as f:\n"
        "        return [layerlib.TAG, tool.NAME, json.load(f)]\n"
    )
    lib = publish(client, Content=layerlib("1.0"))
    create_function("f", Code={"ZipFile": package({"index.py": handler})},
                    Layers=[lib["LayerVersionArn"], tool["LayerVersionArn"]])
    assert invoke(client, "f") == ["1.0", "tool", {"level": 3}]


def test_a_stack_trace_names_layer_files_under_opt(client, create_function) -> None:
    lib = publish(client, Content={"ZipFile": package({"python/checks.py": "def check(value):\n    raise ValueError(value)\n"})})
    create_function("f", Code={"ZipFile": package({"index.py": "import checks\n\ndef handler(event, context):\n    checks.check('no')\n"})},
                    Layers=[lib["LayerVersionArn"]])
    error = json.loads(client.invoke(FunctionName="f")["Payload"].read())
    assert error["stackTrace"] == [
        '  File "/var/task/index.py", line 4, in handler\n    checks.check(\'no\')\n',
        '  File "/opt/python/checks.py", line 2, in check\n    raise ValueError(value)\n',
    ]


def test_two_functions_with_different_versions_of_a_layer_library_run_at_once(client, create_function) -> None:
    sync.barriers["layers"] = threading.Barrier(2)
    handler = (
        "import layerlib\nfrom tests.runtime import sync\n\n"
        "def handler(event, context):\n    sync.barriers['layers'].wait(5)\n    return layerlib.TAG\n"
    )
    old, new = publish(client, Content=layerlib("1.0")), publish(client, Content=layerlib("2.0"))
    create_function("old", Code={"ZipFile": package({"index.py": handler})}, Layers=[old["LayerVersionArn"]])
    create_function("new", Code={"ZipFile": package({"index.py": handler})}, Layers=[new["LayerVersionArn"]])
    with ThreadPoolExecutor(2) as pool:
        # Both handlers are inside at once (the barrier lets neither out alone), each with its own layerlib.
        results = list(pool.map(lambda name: invoke(client, name), ["old", "new"]))
    assert results == ["1.0", "2.0"]


def test_a_function_starting_while_another_imports_the_same_layer_library_gets_its_own(
    client, create_function
) -> None:
    sync.events.update(importing=threading.Event(), release=threading.Event())
    site = "python/lib/python3.12/site-packages"
    slow = {"ZipFile": package({
        f"{site}/layerlib/__init__.py": (
            "from tests.runtime import sync\nsync.events['importing'].set()\nsync.events['release'].wait(5)\n"
            "TAG = '1.0'\n"
        ),
        f"{site}/layerlib-1.0.dist-info/RECORD": "layerlib/__init__.py,,\n",
    })}
    releasing = (
        "import layerlib\nfrom tests.runtime import sync\n\n"
        "def handler(event, context):\n    sync.events['release'].set()\n    return layerlib.TAG\n"
    )
    old, new = publish(client, Content=slow), publish(client, Content=layerlib("2.0"))
    create_function("old", Code={"ZipFile": package({"index.py": IMPORTING})}, Layers=[old["LayerVersionArn"]])
    create_function("new", Code={"ZipFile": package({"index.py": releasing})}, Layers=[new["LayerVersionArn"]])
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(invoke, client, "old")
        assert sync.events["importing"].wait(5)
        # "new" is laid out and its names classified while "old"'s layerlib is in sys.modules,
        # as a module is while its top-level code runs: that must not make layerlib the process's.
        assert invoke(client, "new") == "2.0"
        assert first.result(5) == "1.0"


def test_functions_of_two_runtimes_with_the_same_code_and_layer_read_their_own_site_packages(
    client, create_function
) -> None:
    # AWS's layer guide ("Layer paths for each Lambda runtime"): Python reads python/lib/python3.x/site-packages, x
    # its own version.
    both = publish(client, Content={"ZipFile": package({
        f"python/lib/{runtime}/site-packages/verlib.py": f"TAG = {runtime!r}\n" for runtime in ("python3.11", "python3.12")
    })})
    code = {"ZipFile": package({"index.py": "import verlib\n\ndef handler(event, context):\n    return verlib.TAG\n"})}
    for runtime in ("python3.11", "python3.12"):
        create_function(runtime.replace(".", "-"), Runtime=runtime, Code=code, Layers=[both["LayerVersionArn"]])
    assert [invoke(client, name) for name in ("python3-11", "python3-12")] == ["python3.11", "python3.12"]


def test_changing_the_layers_retires_the_environments_and_versions_keep_theirs(client, create_function) -> None:
    old, new = publish(client, Content=layerlib("1.0")), publish(client, Content=layerlib("2.0"))
    create_function("f", Code={"ZipFile": package({"index.py": IMPORTING})}, Layers=[old["LayerVersionArn"]])
    assert invoke(client, "f") == "1.0"
    client.publish_version(FunctionName="f")
    client.update_function_configuration(FunctionName="f", Layers=[new["LayerVersionArn"]])
    assert invoke(client, "f") == "2.0"
    assert invoke(client, "f", "1") == "1.0"
    # Only the layers changed, and that is enough for a new version.
    assert client.publish_version(FunctionName="f")["Version"] == "2"


@pytest.mark.parametrize("order, expected", [(("a", "b"), "b"), (("b", "a"), "a")])
def test_layers_are_merged_in_order_a_later_file_replaces_an_earlier_one(client, create_function, order,
                                                                         expected) -> None:
    # AWS's docs (adding-layers): layers are merged into /opt in the order they are listed.
    arns = {name: publish(client, name, Content={"ZipFile": package({"python/layerlib.py": f"TAG = {name!r}\n"})})[
        "LayerVersionArn"] for name in ("a", "b")}
    create_function("f", Code={"ZipFile": package({"index.py": IMPORTING})}, Layers=[arns[name] for name in order])
    assert invoke(client, "f") == expected


def test_a_layer_zipped_with_backslashes_keeps_them_in_its_file_names_as_lambda_does(client, create_function) -> None:
    # A zip made on Windows by some tools (PowerShell 5's Compress-Archive, `aws cloudformation package`) names
    # entries "python\layerlib.py". Lambda extracts such names as they are, one flat file with backslashes in its
    # name, so the import fails (aws/aws-cli#8501; floci-io/floci#1215 found the same of Lambda).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python\\layerlib.py", "TAG = 'windows'\n")
    arn = publish(client, "windows", Content={"ZipFile": buffer.getvalue()})["LayerVersionArn"]
    create_function("f", Code={"ZipFile": package({"index.py": IMPORTING})}, Layers=[arn])
    failed = json.loads(client.invoke(FunctionName="f")["Payload"].read())
    assert failed["errorMessage"] == "Unable to import module 'index': No module named 'layerlib'"
    listing = "import os\n\ndef handler(event, context):\n    return sorted(os.listdir(os.environ['LAMBDAMOCK_OPT']))\n"
    create_function("g", Code={"ZipFile": package({"index.py": listing})}, Layers=[arn])
    assert invoke(client, "g") == ["python\\layerlib.py"]
