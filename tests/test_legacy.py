"""The 2014-11-11 Lambda API through boto3: its function operations, on the same functions as today's API."""

from __future__ import annotations

import io
import json
import re
import uuid

import boto3
import pytest
from botocore.config import Config

from lambdamock import package
from tests.helpers import ROLE, moto_aws

LEGACY = "2014-11-11"
ECHO = {"index.py": "def handler(event, context):\n    return event\n"}
LAST_MODIFIED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000")
UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."
NOT_A_ZIP = b"this is not a zipfile, just a random string"
IMAGE_ONLY = "Please provide ImageUri when updating a function with packageType Image."
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag"
# The 2014 model's constraints, which lambdamock enforces (that model no longer changes).
NAME_PATTERN = "[a-zA-Z0-9-_]+"
ROLE_PATTERN = r"arn:aws:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
CONFIGURATION_KEYS = {
    "FunctionName", "FunctionARN", "ConfigurationId", "Runtime", "Role", "Handler", "Mode", "CodeSize",
    "Description", "Timeout", "MemorySize", "LastModified",
}


@pytest.fixture
def session(lambda_mock):
    session = boto3.session.Session(region_name="us-east-1")
    # botocore makes one set of exception classes per service and session, for the first
    # client that needs them: here today's API, whose set includes every 2014 error.
    session.client("lambda").exceptions.from_code("ResourceNotFoundException")
    return session


@pytest.fixture
def new(session):
    return session.client("lambda")


@pytest.fixture
def old(session):
    return session.client("lambda", api_version=LEGACY)


@pytest.fixture
def raw_old(session):
    return session.client("lambda", api_version=LEGACY, config=Config(parameter_validation=False))


def upload(client, name="f", files=None, **overrides):
    """UploadFunction with working defaults; an override of None leaves that member out."""
    params = {
        "FunctionName": name,
        "FunctionZip": package(files or ECHO),
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "index.handler",
        "Mode": "event",
        **overrides,
    }
    return client.upload_function(**{key: value for key, value in params.items() if value is not None})


def body(response):
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def validation(value: str, member: str, constraint: str) -> str:
    return f"1 validation error detected: Value {value} at '{member}' failed to satisfy constraint: {constraint}"


# -- the operations ---------------------------------------------------------------------------------


def test_upload_creates_a_function_in_the_2014_shape(old, arn):
    zipped = package(ECHO)
    response = upload(old, FunctionZip=zipped, Description="d", Timeout=10, MemorySize=256)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    created = body(response)
    assert LAST_MODIFIED.fullmatch(created.pop("LastModified"))
    assert uuid.UUID(created.pop("ConfigurationId"))
    assert created == {
        "FunctionName": "f",
        "FunctionARN": arn("f"),
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "index.handler",
        "Mode": "event",
        "CodeSize": len(zipped),
        "Description": "d",
        "Timeout": 10,
        "MemorySize": 256,
    }


def test_upload_defaults(old):
    created = upload(old)
    assert (created["Description"], created["Timeout"], created["MemorySize"]) == ("", 3, 128)


def test_get_function_and_its_configuration(old):
    created = body(upload(old))
    got = old.get_function(FunctionName="f")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["Configuration"] == created
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Code"]["Location"].startswith("https://")
    assert body(old.get_function_configuration(FunctionName="f")) == created


def test_upload_again_replaces_code_and_configuration(old, new):
    first = upload(old, files={"index.py": "def handler(e, c):\n    return 'one'\n"}, Description="d", Timeout=10)
    new.update_function_configuration(FunctionName="f", Environment={"Variables": {"KEY": "v"}})
    new.publish_version(FunctionName="f")
    second = upload(old, files={"app.py": "def handler(e, c):\n    return 'two'\n"}, Handler="app.handler")
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert second["ConfigurationId"] != first["ConfigurationId"]
    assert second["LastModified"] >= first["LastModified"]
    # A PUT: what it leaves out takes the default again.
    assert (second["Handler"], second["Description"], second["Timeout"]) == ("app.handler", "", 3)
    assert second["CodeSize"] != first["CodeSize"]
    # What only today's API knows of stays: variables, published versions.
    assert new.get_function_configuration(FunctionName="f")["Environment"] == {"Variables": {"KEY": "v"}}
    assert json.loads(new.invoke(FunctionName="f")["Payload"].read()) == "two"
    assert json.loads(new.invoke(FunctionName="f", Qualifier="1")["Payload"].read()) == "one"
    assert len(old.list_functions()["Functions"]) == 1


def test_update_function_configuration(old):
    created = upload(old)
    other_role = "arn:aws:iam::123456789012:role/other"
    response = old.update_function_configuration(
        FunctionName="f", Role=other_role, Handler="index.other", Description="x", Timeout=30, MemorySize=512
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    updated = body(response)
    assert updated["ConfigurationId"] != created["ConfigurationId"]
    assert (updated["Role"], updated["Handler"], updated["Description"], updated["Timeout"], updated["MemorySize"]) == (
        other_role, "index.other", "x", 30, 512
    )
    # Only the members sent change.
    assert (updated["Runtime"], updated["CodeSize"]) == (created["Runtime"], created["CodeSize"])
    assert body(old.get_function_configuration(FunctionName="f")) == updated
    assert old.update_function_configuration(FunctionName="f", Timeout=5)["Description"] == "x"


def test_configuration_id_is_stable_until_a_change(old, new):
    created = upload(old)["ConfigurationId"]
    # Publishing changes neither the code nor the configuration of $LATEST.
    new.publish_version(FunctionName="f")
    assert old.get_function(FunctionName="f")["Configuration"]["ConfigurationId"] == created
    new.update_function_code(FunctionName="f", ZipFile=package({"index.py": "def handler(e, c):\n    return 2\n"}))
    assert old.get_function(FunctionName="f")["Configuration"]["ConfigurationId"] != created


def test_list_functions_pages_with_markers(old):
    for name in ("d", "b", "e", "a", "c"):
        upload(old, name)
    listed = old.list_functions()
    assert [entry["FunctionName"] for entry in listed["Functions"]] == ["a", "b", "c", "d", "e"]
    assert "NextMarker" not in listed
    assert all(set(entry) == CONFIGURATION_KEYS for entry in listed["Functions"])
    pages, marker = [], None
    while True:
        page = old.list_functions(MaxItems=2, **({"Marker": marker} if marker else {}))
        pages.append([entry["FunctionName"] for entry in page["Functions"]])
        marker = page.get("NextMarker")
        if marker is None:
            break
    assert pages == [["a", "b"], ["c", "d"], ["e"]]
    assert old.list_functions(MaxItems=5).get("NextMarker") is None


def test_list_functions_without_max_items_answers_pages_of_50(old, new, create_function):
    # docs/legacy.md: "ListFunctions | Functions, up to MaxItems (default 50), and NextMarker when more follow".
    names = [f"f{index:02}" for index in range(51)]
    for name in names:
        create_function(name, via=new)
    first = old.list_functions()
    assert [entry["FunctionName"] for entry in first["Functions"]] == names[:50]
    rest = old.list_functions(Marker=first["NextMarker"])
    assert [entry["FunctionName"] for entry in rest["Functions"]] == names[50:] and "NextMarker" not in rest


def test_list_functions_when_there_are_none(old):
    assert body(old.list_functions()) == {"Functions": []}


def test_delete_function(old, new, aws_error, arn):
    upload(old)
    new.publish_version(FunctionName="f")
    response = old.delete_function(FunctionName="f")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert new.list_functions(FunctionVersion="ALL")["Functions"] == []
    with aws_error(new, "ResourceNotFoundException", f"Function not found: {arn('f')}"):
        old.get_function(FunctionName="f")


def test_invoke_async_runs_the_handler(old, lambda_mock):
    upload(old, files={"index.py": "def handler(event, context):\n    print('got', event)\n    return event\n"})
    response = old.invoke_async(FunctionName="f", InvokeArgs=b'{"x": 1}')
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert response["Status"] == 202
    lambda_mock.wait(timeout=10)
    [record] = lambda_mock.invocations
    assert (record.function_name, record.invocation_type, record.result) == ("f", "Event", {"x": 1})
    assert record.request_id == response["ResponseMetadata"]["RequestId"]
    assert "got {'x': 1}" in record.log


def test_invoke_async_accepts_a_file_like_payload(old, lambda_mock, tmp_path):
    upload(old)
    event = tmp_path / "event.json"
    event.write_text('{"from": "file"}')
    with event.open("rb") as payload:
        old.invoke_async(FunctionName="f", InvokeArgs=payload)
    lambda_mock.wait(timeout=10)
    assert [record.result for record in lambda_mock.invocations] == [{"from": "file"}]


def test_invoke_async_accepts_a_text_file_like_payload(old, new, lambda_mock):
    # botocore sends a blob member's file object as it is: one opened in text mode reads as str.
    upload(old)
    old.invoke_async(FunctionName="f", InvokeArgs=io.StringIO('{"from": "text"}'))
    new.invoke_async(FunctionName="f", InvokeArgs=io.StringIO('{"from": "today"}'))
    lambda_mock.wait(timeout=10)
    assert sorted((record.result for record in lambda_mock.invocations), key=str) == [
        {"from": "text"}, {"from": "today"}]


# -- one backend for both APIs ----------------------------------------------------------------------


def test_uploaded_function_is_a_function_of_todays_api(old, new, arn):
    created = upload(old)
    config = new.get_function_configuration(FunctionName="f")
    assert (config["FunctionArn"], config["Runtime"], config["State"]) == (arn("f"), "python3.12", "Active")
    assert config["LastModified"] == created["LastModified"]
    assert config["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/f"}
    assert json.loads(new.invoke(FunctionName="f", Payload=b'{"a": 1}')["Payload"].read()) == {"a": 1}
    assert new.publish_version(FunctionName="f")["Version"] == "1"
    new.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    assert new.invoke(FunctionName="f", Qualifier="live")["ExecutedVersion"] == "1"
    # The 2014 API sees the function, not its versions.
    assert [entry["FunctionName"] for entry in old.list_functions()["Functions"]] == ["f"]


def test_created_function_is_seen_by_the_2014_api(old, new, create_function, arn, lambda_mock):
    created = create_function("f", via=new, Timeout=900, Environment={"Variables": {"KEY": "v"}})
    config = body(old.get_function_configuration(FunctionName="f"))
    assert set(config) == CONFIGURATION_KEYS
    assert config["FunctionARN"] == arn("f")
    assert (config["Runtime"], config["Timeout"], config["Mode"]) == ("python3.12", 900, "event")
    assert config["LastModified"] == created["LastModified"]
    assert old.list_functions()["Functions"] == [config]
    assert old.get_function(FunctionName="f")["Configuration"] == config
    old.invoke_async(FunctionName="f", InvokeArgs=b'{"n": 1}')
    lambda_mock.wait(timeout=10)
    assert [record.result for record in lambda_mock.invocations] == [{"n": 1}]
    old.delete_function(FunctionName="f")
    assert new.list_functions()["Functions"] == []


def test_image_function_in_the_2014_shape(old, new, create_function):
    create_function("img", via=new, PackageType="Image", Runtime=None, Handler=None, Code={"ImageUri": IMAGE})
    got = old.get_function(FunctionName="img")
    assert "Runtime" not in got["Configuration"] and "Handler" not in got["Configuration"]
    assert got["Code"] == {"RepositoryType": "ECR"}


def test_nodejs_is_stored_and_answers_that_it_cannot_run(old, new, lambda_mock):
    created = upload(old, files={"index.js": "exports.handler = async (event) => event;"}, Runtime="nodejs")
    assert created["Runtime"] == "nodejs"
    assert new.get_function_configuration(FunctionName="f")["Runtime"] == "nodejs"
    assert old.list_functions()["Functions"][0]["Runtime"] == "nodejs"
    response = new.invoke(FunctionName="f")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read()) == {
        "errorType": "Runtime.Unsupported",
        "errorMessage": "lambdamock runs only Python handlers; runtime nodejs is not supported",
    }


@pytest.mark.parametrize("runtime", ["nodejs", "python3.12", "python3.9", "nodejs20.x"])
def test_runtimes_of_both_apis_are_accepted(old, runtime):
    assert upload(old, Runtime=runtime)["Runtime"] == runtime


# -- bad input --------------------------------------------------------------------------------------

NAMED = [
    ("get_function", {}),
    ("get_function_configuration", {}),
    ("update_function_configuration", {"Timeout": 5}),
    ("delete_function", {}),
]


@pytest.mark.parametrize("operation, params", NAMED)
def test_missing_function(old, new, aws_error, arn, operation, params):
    upload(old, "other")
    with aws_error(new, "ResourceNotFoundException", f"Function not found: {arn('f')}"):
        getattr(old, operation)(FunctionName="f", **params)


def test_invoke_async_of_a_missing_function(old, new, aws_error, arn, lambda_mock):
    # InvokeAsync names the version it looked for, as Invoke does.
    with aws_error(new, "ResourceNotFoundException", f"Function not found: {arn('f', '$LATEST')}"):
        old.invoke_async(FunctionName="f", InvokeArgs=b"{}")
    assert lambda_mock.invocations == []


@pytest.mark.parametrize(
    "name, constraint",
    [
        ("my function!", f"Member must satisfy regular expression pattern: {NAME_PATTERN}"),
        # The 2014 API knew function names only, never ARNs.
        ("arn:aws:lambda:us-east-1:123456789012:function:f", f"Member must satisfy regular expression pattern: {NAME_PATTERN}"),
        ("a" * 65, "Member must have length less than or equal to 64"),
    ],
)
@pytest.mark.parametrize(
    "operation, params", [*NAMED, ("invoke_async", {"InvokeArgs": b"{}"}), ("upload_function", None)]
)
def test_bad_names(old, new, aws_error, name, constraint, operation, params):
    upload(old, "f")
    with aws_error(new, "ValidationException", validation(f"'{name}'", "functionName", constraint)):
        if params is None:
            upload(old, name)
        else:
            getattr(old, operation)(FunctionName=name, **params)


def test_missing_required_members(raw_old, new, aws_error):
    nulls = "; ".join(
        f"Value null at '{member}' failed to satisfy constraint: Member must not be null"
        for member in ("functionZip", "runtime", "role", "handler", "mode")
    )
    with aws_error(new, "ValidationException", f"5 validation errors detected: {nulls}"):
        raw_old.upload_function(FunctionName="f")


@pytest.mark.parametrize("omitted, wire", [("Mode", "mode"), ("Role", "role"), ("FunctionZip", "functionZip")])
def test_missing_required_member(raw_old, new, aws_error, omitted, wire):
    with aws_error(new, "ValidationException", validation("null", wire, "Member must not be null")):
        upload(raw_old, **{omitted: None})


def test_invoke_async_without_payload(raw_old, new, old, aws_error):
    upload(old)
    with aws_error(new, "ValidationException", validation("null", "invokeArgs", "Member must not be null")):
        raw_old.invoke_async(FunctionName="f")


@pytest.mark.parametrize("exists", [False, True])
def test_not_a_zip(old, new, aws_error, exists):
    if exists:
        upload(old)
    with aws_error(new, "InvalidParameterValueException", UNZIP):
        upload(old, FunctionZip=NOT_A_ZIP)


def test_upload_with_a_role_moto_does_not_hold_cannot_be_assumed(old, new, aws_error):
    # The 2014 model's InvalidParameterValueException: "if you provided an IAM role for AWS Lambda to assume in the
    # UploadFunction or the UpdateFunctionConfiguration API, that AWS Lambda is unable to assume you will get this
    # exception"; its text as tests/test_neighbours.py has it.
    with moto_aws():
        with aws_error(new, "InvalidParameterValueException",
                       "The role defined for the function cannot be assumed by Lambda."):
            upload(old, Role="arn:aws:iam::123456789012:role/missing")
        assert old.list_functions()["Functions"] == []


def test_upload_onto_an_image_function(old, new, create_function, aws_error):
    create_function("img", via=new, PackageType="Image", Runtime=None, Handler=None, Code={"ImageUri": IMAGE})
    with aws_error(new, "InvalidParameterValueException", IMAGE_ONLY):
        upload(old, "img")


@pytest.mark.parametrize("runtime", ["cobol", "PYTHON3.12", "java"])
def test_unknown_runtime(old, raw_old, new, aws_error, runtime):
    # One backend, one answer: the runtimes today's service creates functions with, in its order.
    text = re.compile(re.escape(f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy "
                                "enum value set: [nodejs20.x, python3.14, ") + ".*" + re.escape("] or be a valid ARN"))
    for via in (old, raw_old):
        with aws_error(new, "InvalidParameterValueException", text):
            upload(via, Runtime=runtime)


@pytest.mark.parametrize(
    "member, wire, value, constraint",
    [
        ("Mode", "mode", "'sync'", "Member must satisfy enum value set: [event]"),
        ("Timeout", "timeout", "'61'", "Member must have value less than or equal to 60"),
        ("Timeout", "timeout", "'0'", "Member must have value greater than or equal to 1"),
        ("MemorySize", "memorySize", "'2048'", "Member must have value less than or equal to 1024"),
        ("MemorySize", "memorySize", "'64'", "Member must have value greater than or equal to 128"),
        ("Role", "role", "'r1'", f"Member must satisfy regular expression pattern: {ROLE_PATTERN}"),
        ("Handler", "handler", "'index handler'", "Member must satisfy regular expression pattern: [a-zA-Z0-9./\\-_]+"),
        ("Description", "description", "'" + "d" * 257 + "'", "Member must have length less than or equal to 256"),
    ],
)
def test_members_out_of_range(old, raw_old, new, aws_error, member, wire, value, constraint):
    sent = value.strip("'")
    sent_value = int(sent) if member in ("Timeout", "MemorySize") else sent
    text = validation(value, wire, constraint)
    with aws_error(new, "ValidationException", text):
        upload(raw_old, **{member: sent_value})
    if member == "Mode":
        return
    upload(old)
    with aws_error(new, "ValidationException", text):
        raw_old.update_function_configuration(FunctionName="f", **{member: sent_value})


@pytest.mark.parametrize(
    "value, constraint",
    [(0, "Member must have value greater than or equal to 1"), (10001, "Member must have value less than or equal to 10000")],
)
def test_list_functions_max_items_out_of_range(raw_old, new, aws_error, value, constraint):
    with aws_error(new, "ValidationException", validation(f"'{value}'", "maxItems", constraint)):
        raw_old.list_functions(MaxItems=value)


def test_invoke_async_with_invalid_json(old, new, aws_error, lambda_mock):
    upload(old)
    text = re.compile(re.escape("Could not parse request body into json: Could not parse payload into json: ") + ".+",
                      re.DOTALL)
    with aws_error(new, "InvalidRequestContentException", text):
        old.invoke_async(FunctionName="f", InvokeArgs=b"{bad")
    lambda_mock.wait(timeout=10)
    assert lambda_mock.invocations == []


def test_invoke_async_over_256kb(old, new, aws_error, lambda_mock):
    """InvokeAsync keeps the old limit (API_InvokeAsync: "The payload limit is 256KB. For larger payloads, for up
    to 1MB, use Invoke."), in the text recorded for an Event invoke at that limit (ASFHyP3/hyp3#2241:
    "264496 byte payload is too large for the Event invocation type (limit 262144 bytes)")."""
    upload(old)
    old.invoke_async(FunctionName="f", InvokeArgs=json.dumps("a" * (256 * 1024 - 2)).encode())  # just at the limit
    payload = json.dumps("a" * (256 * 1024 - 1)).encode()
    text = f"{len(payload)} byte payload is too large for the Event invocation type (limit 262144 bytes)"
    with aws_error(new, "RequestEntityTooLargeException", text):
        old.invoke_async(FunctionName="f", InvokeArgs=payload)
    lambda_mock.wait(timeout=10)
    assert len(lambda_mock.invocations) == 1  # only the one at the limit ran
