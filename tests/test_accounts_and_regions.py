"""Account settings and usage, regions and partitions, AWS's headers, and fresh state for each activation."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from lambdamock import LambdaMock, mock_lambda, partitions
from tests.helpers import list_all, model_constraint


def usage(client):
    return client.get_account_settings()["AccountUsage"]


def test_account_settings_limits(client):
    settings = client.get_account_settings()
    assert settings["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert settings["AccountLimit"] == {
        "TotalCodeSize": 80530636800,
        "CodeSizeUnzipped": 262144000,
        "CodeSizeZipped": 52428800,
        "ConcurrentExecutions": 1000,
        "UnreservedConcurrentExecutions": 1000,
    }
    assert settings["AccountUsage"] == {"FunctionCount": 0, "TotalCodeSize": 0}


def test_account_usage_follows_code(client, create_function, make_zip):
    package = make_zip()
    size = len(package)
    create_function("f", Code={"ZipFile": package})
    assert usage(client) == {"FunctionCount": 1, "TotalCodeSize": size}
    # A published version holds its own copy of the code.
    client.update_function_code(FunctionName="f", ZipFile=package, Publish=True)
    assert usage(client) == {"FunctionCount": 1, "TotalCodeSize": 2 * size}
    client.update_function_configuration(FunctionName="f", Timeout=10)
    assert usage(client)["TotalCodeSize"] == 2 * size
    client.publish_version(FunctionName="f")
    assert usage(client)["TotalCodeSize"] == 3 * size
    create_function("g", Code={"ZipFile": package})
    assert usage(client) == {"FunctionCount": 2, "TotalCodeSize": 4 * size}
    client.delete_function(FunctionName="f", Qualifier="1")
    assert usage(client)["TotalCodeSize"] == 3 * size
    client.delete_function(FunctionName="f")
    assert usage(client) == {"FunctionCount": 1, "TotalCodeSize": size}
    # Recorded: LocalStack TestLambdaAccountSettings::test_account_settings_total_code_size, each layer
    # version adds its zip's size.
    layer = make_zip({"python/lib.py": "X = 1\n"})
    client.publish_layer_version(LayerName="lib", Content={"ZipFile": layer})
    client.publish_layer_version(LayerName="lib", Content={"ZipFile": layer})
    assert usage(client) == {"FunctionCount": 1, "TotalCodeSize": size + 2 * len(layer)}
    client.delete_layer_version(LayerName="lib", VersionNumber=1)
    assert usage(client)["TotalCodeSize"] == size + len(layer)


def test_concurrent_creates(client, create_function):
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda index: create_function(f"fn-{index}"), range(40)))
        outcomes = list(pool.map(lambda _: _create_or_conflict(client, create_function), range(16)))
    assert outcomes.count("created") == 1
    assert outcomes.count("ResourceConflictException") == 15
    assert len(list_all(client)) == 41
    assert usage(client)["FunctionCount"] == 41


def _create_or_conflict(client, create_function) -> str:
    try:
        create_function("contended")
    except client.exceptions.ResourceConflictException as error:
        return error.response["Error"]["Code"]
    return "created"


def test_each_region_has_its_own_functions(client, create_function, arn):
    europe = boto3.client("lambda", region_name="eu-west-1")
    create_function("f")
    assert europe.list_functions()["Functions"] == []
    with pytest.raises(europe.exceptions.ResourceNotFoundException):
        europe.get_function(FunctionName="f")
    created = create_function("f", via=europe, Timeout=7)
    assert created["FunctionArn"] == arn("f", region="eu-west-1")
    assert europe.get_function_configuration(FunctionName="f")["Timeout"] == 7
    assert client.get_function_configuration(FunctionName="f")["Timeout"] == 3
    assert usage(europe)["FunctionCount"] == usage(client)["FunctionCount"] == 1
    europe.delete_function(FunctionName="f")
    assert client.get_function(FunctionName="f")["Configuration"]["FunctionName"] == "f"


def test_each_activation_starts_empty(make_zip, role):
    client = boto3.client("lambda", region_name="us-east-1")
    params = {"FunctionName": "f", "Runtime": "python3.12", "Role": role, "Handler": "index.handler"}
    with mock_lambda() as first:
        client.create_function(Code={"ZipFile": make_zip()}, **params)
        assert first.state.region("us-east-1").functions.keys() == {"f"}
    with mock_lambda():
        assert client.list_functions()["Functions"] == []

    @mock_lambda
    def decorated() -> list:
        return client.list_functions()["Functions"]

    assert decorated() == []
    mock = LambdaMock()
    mock.start()
    try:
        client.create_function(Code={"ZipFile": make_zip()}, **params)
    finally:
        mock.stop()
    mock.start()
    try:
        assert client.list_functions()["Functions"] == [], "a restarted mock starts empty"
    finally:
        mock.stop()


@pytest.mark.parametrize(
    ("region", "partition"),
    [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("us-iso-east-1", "aws-iso"),
     ("us-isob-east-1", "aws-iso-b"),
     # A region botocore does not list yet, placed by its partition's regionRegex (botocore's partitions data).
     ("cn-southwest-9", "aws-cn")],
)
def test_arns_follow_the_regions_partition(lambda_mock, make_zip, role, region, partition):
    arn = f"arn:{partition}:lambda:{region}:123456789012:function:f"
    if not re.fullmatch(str(model_constraint("GetFunction", "FunctionName", "pattern")), arn):
        pytest.skip("this botocore's FunctionName pattern predates the region's partition")
    client = boto3.client("lambda", region_name=region)
    created = client.create_function(FunctionName="f", Runtime="python3.12", Role=role, Handler="index.handler",
                                     Code={"ZipFile": make_zip()})
    assert created["FunctionArn"] == f"arn:{partition}:lambda:{region}:123456789012:function:f"
    assert client.get_function(FunctionName=created["FunctionArn"])["Configuration"]["FunctionArn"] == created["FunctionArn"]
    with pytest.raises(client.exceptions.ResourceNotFoundException) as missing:
        client.get_function(FunctionName="nope")
    assert missing.value.response["Error"]["Message"] == (
        f"Function not found: arn:{partition}:lambda:{region}:123456789012:function:nope"
    )
    # The region's other ARNs too: its layers', code signing configs' and an account principal's.
    layer = client.publish_layer_version(LayerName="l", Content={"ZipFile": make_zip()})
    assert layer["LayerArn"] == f"arn:{partition}:lambda:{region}:123456789012:layer:l"
    # Download links are on the region's S3 domain (amazonaws.com.cn in China, as botocore's endpoints).
    domain = f".s3.{region}.{partitions.dns_suffix(region)}/"
    assert domain in layer["Content"]["Location"] and domain in client.get_function(FunctionName="f")["Code"]["Location"]
    signing = client.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [
        f"arn:{partition}:signer:{region}:123456789012:/signing-profiles/p/abcdefghij"]})
    assert signing["CodeSigningConfig"]["CodeSigningConfigArn"].startswith(
        f"arn:{partition}:lambda:{region}:123456789012:code-signing-config:csc-")
    client.add_permission(FunctionName="f", StatementId="s", Action="lambda:InvokeFunction", Principal="210987654321")
    statement = json.loads(client.get_policy(FunctionName="f")["Policy"])["Statement"][0]
    assert statement["Principal"] == {"AWS": f"arn:{partition}:iam::210987654321:root"}


def test_responses_carry_awss_headers(client, create_function):
    create_function()
    for response in (client.get_function(FunctionName="f"), client.invoke(FunctionName="f", Payload=b"{}")):
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert headers["content-type"] == "application/json"
        assert headers["x-amzn-requestid"] == response["ResponseMetadata"]["RequestId"]
        assert int(headers["content-length"]) >= 2 and headers["date"].endswith("GMT")
    assert headers["x-amz-executed-version"] == "$LATEST"


def test_request_ids_are_random_uuids(client):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaRevisions::test_function_revisions_permissions:
    # x-amzn-requestid "9f89d509-063e-4b8c-a3ae-1848cc7c0701", a version 4 UUID (RFC 4122 variant).
    seen = {client.list_functions()["ResponseMetadata"]["RequestId"] for _ in range(24)}
    assert len(seen) == 24
    uuid4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert [request_id for request_id in seen if not uuid4.fullmatch(request_id)] == []


def test_errors_carry_awss_headers(client, create_function):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaRevisions::test_function_revisions_permissions
    # (add_permission_revision_exception): a 412 with content-type, date, x-amzn-errortype and x-amzn-requestid, and a
    # body of 149 bytes, its JSON without blanks.
    create_function()
    client.add_permission(FunctionName="f", StatementId="s1", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    with pytest.raises(client.exceptions.PreconditionFailedException) as caught:
        client.add_permission(FunctionName="f", StatementId="s2", Action="lambda:InvokeFunction",
                              Principal="s3.amazonaws.com", RevisionId="00000000-0000-0000-0000-000000000000")
    metadata = caught.value.response["ResponseMetadata"]
    headers = metadata["HTTPHeaders"]
    assert metadata["HTTPStatusCode"] == 412
    assert headers["content-type"] == "application/json"
    assert headers["x-amzn-errortype"] == "PreconditionFailedException"
    assert headers["x-amzn-requestid"] == metadata["RequestId"]
    assert headers["content-length"] == "149" and headers["date"].endswith("GMT")
