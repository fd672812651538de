"""Functions through boto3: create and read, every name form and qualified reference, code from S3."""

from __future__ import annotations

import re
import uuid

import boto3
import pytest

from lambdamock import package
from lambdamock.errors import NotServedError
from tests.helpers import list_all, modeled, moto_aws, sha256_b64

LAST_MODIFIED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000")


def test_create_response_has_aws_defaults(create_function, make_zip, arn, role):
    package = make_zip()
    created = create_function("f")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    body = {key: value for key, value in created.items() if key != "ResponseMetadata"}
    assert LAST_MODIFIED.fullmatch(body.pop("LastModified"))
    assert uuid.UUID(body.pop("RevisionId"))
    runtime_arn = body.pop("RuntimeVersionConfig")["RuntimeVersionArn"]
    assert re.fullmatch(r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}", runtime_arn)
    assert body == {
        "FunctionName": "f",
        "FunctionArn": arn("f"),
        "Runtime": "python3.12",
        "Role": role,
        "Handler": "index.handler",
        "CodeSize": len(package),
        "CodeSha256": sha256_b64(package),
        "Description": "",
        "Timeout": 3,
        "MemorySize": 128,
        "Version": "$LATEST",
        "TracingConfig": {"Mode": "PassThrough"},
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/f"},
        "State": "Pending",
        "StateReason": "The function is being created.",
        "StateReasonCode": "Creating",
    }


@pytest.mark.parametrize("files", [{"index.py": "x = 1\n"}, {"a.py": "", "pkg/b.py": "y = 2\n" * 500}])
def test_code_sha256_is_base64_sha256_of_the_zip(client, create_function, make_zip, files):
    package = make_zip(files)
    created = create_function("f", Code={"ZipFile": package})
    got = client.get_function_configuration(FunctionName="f")
    assert created["CodeSha256"] == got["CodeSha256"] == sha256_b64(package)
    assert created["CodeSize"] == got["CodeSize"] == len(package)


def test_function_is_active_once_created(client, create_function, arn):
    created = create_function("f")
    got = client.get_function(FunctionName="f")
    config = got["Configuration"]
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert config["State"] == "Active"
    assert config["LastUpdateStatus"] == "Successful"
    assert "StateReason" not in config and "StateReasonCode" not in config
    # The state change is a change: a new RevisionId, the rest as created.
    assert config["RevisionId"] != created["RevisionId"]
    assert config["FunctionArn"] == arn("f")
    assert config["CodeSha256"] == created["CodeSha256"]
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Code"]["Location"].startswith("https://")
    assert "Tags" not in got
    alone = client.get_function_configuration(FunctionName="f")
    assert {key: value for key, value in alone.items() if key != "ResponseMetadata"} == config


def test_create_with_configuration(client, create_function):
    create_function("f", Description="d", Timeout=30, MemorySize=512, Environment={"Variables": {"KEY_A": "1"}})
    config = client.get_function(FunctionName="f")["Configuration"]
    assert (config["Description"], config["Timeout"], config["MemorySize"]) == ("d", 30, 512)
    assert config["Environment"] == {"Variables": {"KEY_A": "1"}}


def test_create_with_tags(client, create_function):
    create_function("f", Tags={"team": "x"})
    assert client.get_function(FunctionName="f")["Tags"] == {"team": "x"}


def test_empty_environment_is_reported_empty(client, create_function):
    created = create_function("f", Environment={})
    assert created["Environment"] == {"Variables": {}}
    assert client.get_function_configuration(FunctionName="f")["Environment"] == {"Variables": {}}


NAME_FORMS = ["f", "arn:aws:lambda:us-east-1:123456789012:function:f", "123456789012:function:f"]


@pytest.mark.parametrize("reference", NAME_FORMS)
def test_create_accepts_every_name_form(client, create_function, arn, reference):
    created = create_function(reference)
    assert created["FunctionName"] == "f"
    assert created["FunctionArn"] == arn("f")
    assert client.get_function(FunctionName="f")["Configuration"]["FunctionName"] == "f"


OPERATIONS_ON_A_FUNCTION = [
    ("get_function", {}),
    ("get_function_configuration", {}),
    ("list_versions_by_function", {}),
    ("update_function_configuration", {"Description": "new"}),
    ("update_function_code", {"ZipFile": package({"index.py": ""})}),
    ("publish_version", {}),
    ("delete_function", {}),
]


@pytest.mark.parametrize("operation, params", OPERATIONS_ON_A_FUNCTION)
@pytest.mark.parametrize("reference", NAME_FORMS)
def test_every_operation_accepts_every_name_form(client, create_function, operation, params, reference):
    create_function("f")
    create_function("g")
    response = getattr(client, operation)(FunctionName=reference, **params)
    if operation == "delete_function":
        assert [entry["FunctionName"] for entry in list_all(client)] == ["g"]
        return
    acted_on = response.get("Configuration") or (response.get("Versions") or [response])[0]
    assert acted_on["FunctionName"] == "f"


@pytest.mark.parametrize(
    "reference, qualifier, shown",
    [
        ("f", None, ""),
        ("f", "$LATEST", "$LATEST"),
        ("f:$LATEST", None, "$LATEST"),
        ("f", "1", "1"),
        ("f:1", None, "1"),
        ("f:1", "1", "1"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:1", None, "1"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", "$LATEST", "$LATEST"),
        ("123456789012:function:f:1", None, "1"),
    ],
)
def test_qualified_references(client, create_function, arn, reference, qualifier, shown):
    create_function("f")
    client.publish_version(FunctionName="f")
    extra = {"Qualifier": qualifier} if qualifier else {}
    for config in (
        client.get_function(FunctionName=reference, **extra)["Configuration"],
        client.get_function_configuration(FunctionName=reference, **extra),
    ):
        assert config["FunctionArn"] == arn("f", shown or None)
        assert config["Version"] == (shown if shown and shown != "$LATEST" else "$LATEST")


def test_create_from_s3(client, create_function, make_zip):
    package = make_zip({"index.py": "def handler(e, c):\n    return 's3'\n"})
    with moto_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="code")
        s3.put_object(Bucket="code", Key="fn.zip", Body=package)
        created = create_function("f", Code={"S3Bucket": "code", "S3Key": "fn.zip"})
        assert created["CodeSha256"] == sha256_b64(package)
        assert created["CodeSize"] == len(package)

        newer = make_zip({"index.py": "def handler(e, c):\n    return 'v2'\n"})
        s3.put_object(Bucket="code", Key="v2.zip", Body=newer)
        updated = client.update_function_code(FunctionName="f", S3Bucket="code", S3Key="v2.zip")
    assert updated["CodeSha256"] == sha256_b64(newer)
    assert client.get_function(FunctionName="f")["Configuration"]["CodeSha256"] == sha256_b64(newer)


def test_s3_object_version_picks_the_version_of_the_key(client, create_function, make_zip):
    # S3ObjectVersion: "For versioned objects, the version of the deployment package object to use" (CreateFunction
    # and UpdateFunctionCode in the API reference); the key's newest version is another package.
    first = make_zip({"index.py": "def handler(e, c):\n    return 1\n"})
    second = make_zip({"index.py": "def handler(e, c):\n    return 2\n"})
    with moto_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="code")
        s3.put_bucket_versioning(Bucket="code", VersioningConfiguration={"Status": "Enabled"})
        old = s3.put_object(Bucket="code", Key="fn.zip", Body=first)["VersionId"]
        new = s3.put_object(Bucket="code", Key="fn.zip", Body=second)["VersionId"]
        created = create_function("f", Code={"S3Bucket": "code", "S3Key": "fn.zip", "S3ObjectVersion": old})
        assert created["CodeSha256"] == sha256_b64(first)
        updated = client.update_function_code(FunctionName="f", S3Bucket="code", S3Key="fn.zip", S3ObjectVersion=new)
        assert updated["CodeSha256"] == sha256_b64(second)
        again = client.update_function_code(FunctionName="f", S3Bucket="code", S3Key="fn.zip", S3ObjectVersion=old)
    assert again["CodeSha256"] == sha256_b64(first)
    assert client.invoke(FunctionName="f")["Payload"].read() == b"1"


@modeled("UpdateFunctionCode", "SourceKMSKeyArn")  # and CreateFunction's Code, since the same model
def test_the_key_of_a_zip_is_shown_with_its_code(client, create_function, make_zip):
    # FunctionCodeLocation.SourceKMSKeyArn (API reference): the customer managed key of the .zip, absent when
    # Lambda's own key keeps it; each upload names its key.
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    create_function("f", Code={"ZipFile": make_zip({"app.py": ""}), "SourceKMSKeyArn": key})
    assert client.get_function(FunctionName="f")["Code"]["SourceKMSKeyArn"] == key
    client.update_function_code(FunctionName="f", ZipFile=make_zip({"app.py": "# 2"}))
    assert "SourceKMSKeyArn" not in client.get_function(FunctionName="f")["Code"]
    client.update_function_code(FunctionName="f", ZipFile=make_zip({"app.py": "# 3"}), SourceKMSKeyArn=key)
    assert client.get_function(FunctionName="f")["Code"]["SourceKMSKeyArn"] == key


@modeled("UpdateFunctionCode", "S3ObjectStorageMode")
@pytest.mark.lambda_mock(allow_unserved=True)
def test_self_managed_s3_code_storage_is_refused_not_taken_for_a_copy(client, create_function, make_zip):
    reference = {"S3Bucket": "code", "S3Key": "fn.zip", "S3ObjectVersion": "1", "S3ObjectStorageMode": "REFERENCE"}
    with pytest.raises(NotServedError, match="S3ObjectStorageMode REFERENCE"):
        create_function("f", Code=reference)
    create_function("f", Code={"ZipFile": make_zip({"app.py": ""})})
    with pytest.raises(NotServedError, match="S3ObjectStorageMode REFERENCE"):
        client.update_function_code(FunctionName="f", **reference)
    with pytest.raises(NotServedError, match="S3ObjectStorageMode REFERENCE"):
        client.publish_layer_version(LayerName="l", Content=reference)
    assert client.list_layers()["Layers"] == []


def test_an_empty_kms_key_arn_goes_back_to_lambdas_own_key(client, create_function):
    # Lambda encrypts with its own key when none is given, and a configuration then shows no KMSKeyArn;
    # infrastructure tools send "" to go back to it (terraform's kms_key_arn = "", CloudFormation removing it).
    create_function("f", KMSKeyArn="arn:aws:kms:us-east-1:123456789012:key/k")
    assert client.get_function_configuration(FunctionName="f")["KMSKeyArn"].endswith(":key/k")
    client.update_function_configuration(FunctionName="f", KMSKeyArn="")
    assert "KMSKeyArn" not in client.get_function_configuration(FunctionName="f")
