"""Layer versions: publish (from a zip or S3), read, list and delete them, with AWS's shapes and errors."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from lambdamock import mock_lambda
from tests.conftest import ACCOUNT, REGION
from tests.escapes import Proxy
from tests.layer_helpers import LAYER_ZIP, layer_arn, publish

NOT_FOUND = "The resource you requested does not exist."
LESS_THAN_ONE = "Layer Version Cannot be less than 1"
# Lambda's timestamp form, e.g. 2018-11-14T23:03:52.894+0000 (botocore's example of PublishLayerVersion).
CREATED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")


def shown(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def test_publish_returns_the_version_as_aws_shows_it(client) -> None:
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaLayer::test_layer_lifecycle > publish_result.
    response = publish(client, CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["x86_64"],
                       LicenseInfo="MIT", Description="shared code")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    content = response.pop("Content")
    assert CREATED.fullmatch(response.pop("CreatedDate"))
    assert shown(response) == {
        "LayerArn": layer_arn("lib"),
        "LayerVersionArn": layer_arn("lib") + ":1",
        "Version": 1,
        "Description": "shared code",
        "LicenseInfo": "MIT",
        "CompatibleRuntimes": ["python3.12"],
        "CompatibleArchitectures": ["x86_64"],
    }
    assert content["CodeSha256"] == base64.b64encode(hashlib.sha256(LAYER_ZIP).digest()).decode()
    assert content["CodeSize"] == len(LAYER_ZIP)
    # botocore's PublishLayerVersion and GetLayerVersion examples: .../snapshots/<account>/<layer name>-<uuid>?...
    assert re.match(rf"https://awslambda-{REGION}-layers\.s3\.{REGION}\.amazonaws\.com/snapshots/{ACCOUNT}/lib-"
                    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\?|$)", content["Location"])


def test_what_was_not_given_is_absent_but_description_and_empty_lists_are_shown(client) -> None:
    # Recorded: TestLambdaLayer::test_layer_s3_content > publish_layer_result (nothing given: only
    # Description, as ""), TestLambdaLayer::test_layer_exceptions > publish_empty_result (empty lists).
    bare = shown(publish(client, "bare"))
    assert bare["Description"] == ""
    assert not {"CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"} & set(bare)
    empty = shown(publish(client, "empty", CompatibleRuntimes=[], CompatibleArchitectures=[]))
    assert (empty["CompatibleRuntimes"], empty["CompatibleArchitectures"]) == ([], [])


def test_runtimes_and_architectures_are_kept_in_the_order_given_old_runtimes_included(client) -> None:
    # Recorded: TestLambdaLayer::test_layer_compatibilities[runtimes1] (python3.7, nodejs12.x ... accepted).
    runtimes = ["python3.7", "nodejs12.x", "java8", "python3.12", "go1.x"]
    response = publish(client, CompatibleRuntimes=runtimes, CompatibleArchitectures=["arm64", "x86_64"])
    assert response["CompatibleRuntimes"] == runtimes
    assert response["CompatibleArchitectures"] == ["arm64", "x86_64"]


def test_get_by_name_by_layer_arn_and_by_version_arn_show_what_publish_showed(client) -> None:
    # Recorded: TestLambdaLayer::test_layer_lifecycle > get_layer_ver_result, > get_layer_by_arn_version;
    # a layer ARN as LayerName: test_lambda.py TestLambdaMultiAccounts::test_get_lambda_layer.
    published = shown(publish(client, Description="d", CompatibleRuntimes=["python3.12"]))
    assert shown(client.get_layer_version(LayerName="lib", VersionNumber=1)) == published
    assert shown(client.get_layer_version(LayerName=layer_arn("lib"), VersionNumber=1)) == published
    assert shown(client.get_layer_version_by_arn(Arn=layer_arn("lib") + ":1")) == published


def test_every_publish_is_a_new_version_and_numbers_are_never_reused(client) -> None:
    # Recorded: TestLambdaLayer::test_layer_lifecycle (publish 1, 2; delete both; list []; publish: 3;
    # the same zip twice has the same CodeSha256).
    first, second = publish(client), publish(client)
    assert (first["Version"], second["Version"]) == (1, 2)
    assert first["Content"]["CodeSha256"] == second["Content"]["CodeSha256"]
    for number in (1, 2):
        assert client.delete_layer_version(LayerName="lib", VersionNumber=number)["ResponseMetadata"][
            "HTTPStatusCode"] == 204
    assert client.list_layer_versions(LayerName="lib")["LayerVersions"] == []
    assert publish(client)["LayerVersionArn"] == layer_arn("lib") + ":3"


def test_delete_is_idempotent(client) -> None:
    # Recorded: TestLambdaLayer::test_layer_exceptions > delete_nonexistent_response,
    # > delete_nonexistent_version_response, > delete_layer_again_response (all 204).
    publish(client)
    for name, number in (("nope", 1), ("lib", 2), ("lib", 1), ("lib", 1)):
        response = client.delete_layer_version(LayerName=name, VersionNumber=number)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_layer_version(LayerName="lib", VersionNumber=1)


def test_read_errors(client, raw_client, aws_error) -> None:
    # Recorded: TestLambdaLayer::test_layer_exceptions > get_layer_version_exc_layer_doesnotexist,
    # > ..._negative, > ..._zero, > ..._doesnotexist_2, > get_layer_version_by_arn_exc_nonexistentversion,
    # > get_layer_version_by_arn_exc_invalidarn, > delete_layer_version_exc_layerversion_invalid_version.
    publish(client)
    with aws_error(client, "ResourceNotFoundException", NOT_FOUND):
        client.get_layer_version(LayerName="nope", VersionNumber=1)
    for number in (-1, 0):
        with aws_error(client, "InvalidParameterValueException", LESS_THAN_ONE):
            client.get_layer_version(LayerName="lib", VersionNumber=number)
    with aws_error(client, "ResourceNotFoundException", NOT_FOUND):
        client.get_layer_version(LayerName="lib", VersionNumber=2)
    with aws_error(client, "ResourceNotFoundException", NOT_FOUND):
        client.get_layer_version_by_arn(Arn=layer_arn("lib") + ":2")
    with aws_error(client, "InvalidParameterValueException", LESS_THAN_ONE):
        client.delete_layer_version(LayerName="lib", VersionNumber=-1)
    pattern = (
        r"(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:"
        r"[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)"
    )
    text = (f"1 validation error detected: Value '{layer_arn('lib')}' at 'arn' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {pattern}")
    with aws_error(client, "ValidationException", text, typed=False):
        raw_client.get_layer_version_by_arn(Arn=layer_arn("lib"))


def test_another_regions_layer_is_not_found_here(client) -> None:
    publish(boto3.client("lambda", region_name="eu-west-1"))
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_layer_version(LayerName="lib", VersionNumber=1)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_layer_version_by_arn(Arn=layer_arn("lib", region="eu-west-1") + ":1")
    assert client.list_layers()["Layers"] == []


@pytest.mark.parametrize(("region", "account"), [("eu-west-1", ACCOUNT), (REGION, "999999999999")])
def test_a_layer_arn_of_another_region_or_account_does_not_name_this_accounts_layer(client, region, account) -> None:
    # A layer ARN names its region and account (AWS's ARN format): another's "lib" is not this one's, whatever
    # AWS answers for it (not recorded: only that this layer is not served for it is pinned).
    publish(client)
    other = layer_arn("lib", region=region, account=account)
    with pytest.raises(ClientError):
        client.get_layer_version_by_arn(Arn=f"{other}:1")
    with pytest.raises(ClientError):
        client.get_layer_version(LayerName=other, VersionNumber=1)


def test_list_layer_versions_newest_first_without_content(client) -> None:
    # Recorded: TestLambdaLayer::test_layer_lifecycle > list_layer_versions_predelete (2 then 1, no
    # Content, no LayerArn); moto's AWS-verified test_list_lambda_layers (no empty Description, no
    # architectures when none were given); > list_nonexistent_layer ([]).
    publish(client, CompatibleRuntimes=["python3.11"], LicenseInfo="MIT")
    publish(client, CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["arm64"], Description="two")
    listed = client.list_layer_versions(LayerName="lib")["LayerVersions"]
    for item in listed:
        assert CREATED.fullmatch(item.pop("CreatedDate"))
    assert listed == [
        {"LayerVersionArn": layer_arn("lib") + ":2", "Version": 2, "Description": "two",
         "CompatibleRuntimes": ["python3.12"], "CompatibleArchitectures": ["arm64"]},
        {"LayerVersionArn": layer_arn("lib") + ":1", "Version": 1, "CompatibleRuntimes": ["python3.11"],
         "LicenseInfo": "MIT"},
    ]
    assert client.list_layer_versions(LayerName="nope")["LayerVersions"] == []
    assert len(client.list_layer_versions(LayerName=layer_arn("lib"))["LayerVersions"]) == 2


def test_list_layer_versions_filters_and_pages(client) -> None:
    publish(client, CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["x86_64"])  # 1
    publish(client)  # 2: declares nothing, so matches no filter
    publish(client, CompatibleRuntimes=["python3.11", "python3.12"], CompatibleArchitectures=["arm64"])  # 3
    publish(client, CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["arm64", "x86_64"])  # 4

    def numbers(**filters: Any) -> list[int]:
        pages = client.get_paginator("list_layer_versions").paginate(LayerName="lib", **filters)
        return [item["Version"] for page in pages for item in page["LayerVersions"]]

    assert numbers() == [4, 3, 2, 1]
    assert numbers(CompatibleRuntime="python3.12") == [4, 3, 1]
    assert numbers(CompatibleRuntime="python3.11") == [3]
    assert numbers(CompatibleArchitecture="x86_64") == [4, 1]
    assert numbers(CompatibleRuntime="python3.12", CompatibleArchitecture="arm64") == [4, 3]
    first = client.list_layer_versions(LayerName="lib", MaxItems=3)
    assert [item["Version"] for item in first["LayerVersions"]] == [4, 3, 2]
    rest = client.list_layer_versions(LayerName="lib", MaxItems=3, Marker=first["NextMarker"])
    assert [item["Version"] for item in rest["LayerVersions"]] == [1]
    assert "NextMarker" not in rest
    assert numbers(PaginationConfig={"PageSize": 1}) == [4, 3, 2, 1]


def test_list_layers_shows_each_layers_latest_matching_version(client) -> None:
    # botocore's ListLayers example: LayerName, LayerArn and LatestMatchingVersion, a list item.
    publish(client, "a", CompatibleRuntimes=["python3.12"])
    publish(client, "a", CompatibleRuntimes=["python3.11"])
    publish(client, "b", CompatibleRuntimes=["python3.12"], CompatibleArchitectures=["arm64"])
    publish(client, "gone")
    client.delete_layer_version(LayerName="gone", VersionNumber=1)

    def latest(**filters: Any) -> dict[str, int]:
        pages = client.get_paginator("list_layers").paginate(**filters)
        items = (item for page in pages for item in page["Layers"])
        return {item["LayerName"]: item["LatestMatchingVersion"]["Version"] for item in items}

    assert latest() == {"a": 2, "b": 1}
    assert latest(CompatibleRuntime="python3.12") == {"a": 1, "b": 1}
    assert latest(CompatibleArchitecture="arm64") == {"b": 1}
    assert latest(PaginationConfig={"PageSize": 1}) == {"a": 2, "b": 1}
    item = client.list_layers(MaxItems=1)["Layers"][0]
    assert (item["LayerName"], item["LayerArn"]) == ("a", layer_arn("a"))
    assert item["LatestMatchingVersion"] == client.list_layer_versions(LayerName="a")["LayerVersions"][0]
    client.delete_layer_version(LayerName="a", VersionNumber=2)
    assert latest() == {"a": 1, "b": 1}


def test_list_layers_gives_at_most_max_items_and_pages_through_names_that_prefix_others(client) -> None:
    # botocore's model: ListLayers' MaxItems is "The maximum number of layers to return", and NextMarker
    # "A pagination token returned when the response doesn't contain all layers".
    for name in ("a", "a-b", "a1", "ab"):
        publish(client, name)
    first = client.list_layers(MaxItems=1)
    assert len(first["Layers"]) == 1 and first["NextMarker"]
    pages = client.get_paginator("list_layers").paginate(PaginationConfig={"PageSize": 1})
    listed = [[item["LayerName"] for item in page["Layers"]] for page in pages]
    assert all(len(names) <= 1 for names in listed)
    assert sorted(name for names in listed for name in names) == ["a", "a-b", "a1", "ab"]


RUNTIMES_LISTED = (
    "ruby3.5, ruby2.6, dotnetcore1.0, python3.7, nodejs8.10, nasa, ruby2.7, python2.7-greengrass, dotnetcore2.0, "
    "python3.8, java21, dotnet6, dotnetcore2.1, python3.9, java11, nodejs6.10, provided, dotnetcore3.1, dotnet8, "
    "java25, java17, nodejs, nodejs4.3, java8.al2, go1.x, dotnet10, nodejs20.x, go1.9, byol, nodejs10.x, "
    "provided.al2023, nodejs22.x, python3.10, java8, nodejs12.x, python3.11, nodejs24.x, nodejs8.x, python3.12, "
    "nodejs14.x, nodejs8.9, nodejs26.x, python3.13, python3.14, nodejs16.x, python3.15, provided.al2, "
    "nodejs4.3-edge, nodejs18.x, ruby3.2, python3.4, ruby3.3, ruby3.4, ruby2.5, python3.6, python2.7"
)
RUNTIMES_PUBLISHED = (
    "nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, "
    "python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, "
    "java11, dotnet6, nodejs18.x, provided.al2, java8.al2"
)
ARCHITECTURES = "[x86_64, arm64]"


def test_unknown_runtimes_and_architectures_in_filters(client, raw_client, aws_error) -> None:
    # Recorded: TestLambdaLayer::test_layer_exceptions > list_layers_exc_compatibleruntime_invalid,
    # > list_layers_exc_compatiblearchitecture_invalid.
    text = ("1 validation error detected: Value 'runtimedoesnotexist' at 'compatibleRuntime' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{RUNTIMES_LISTED}]")
    with aws_error(client, "ValidationException", text, typed=False):
        raw_client.list_layers(CompatibleRuntime="runtimedoesnotexist")
    text = ("1 validation error detected: Value 'archdoesnotexist' at 'compatibleArchitecture' failed to satisfy "
            f"constraint: Member must satisfy enum value set: {ARCHITECTURES}")
    with aws_error(client, "ValidationException", text, typed=False):
        raw_client.list_layers(CompatibleArchitecture="archdoesnotexist")


@pytest.mark.parametrize(
    "runtimes, architectures",
    [(["invalidruntime"], ["invalidarch"]),
     (["invalidruntime", "invalidruntime2", "nodejs20.x"], ["invalidarch", "x86_64"])],
)
def test_unknown_runtimes_and_architectures_on_publish(client, raw_client, aws_error, runtimes, architectures) -> None:
    # Recorded: TestLambdaLayer::test_layer_exceptions > publish_layer_version_exc_invalid_runtime_arch,
    # > publish_layer_version_exc_partially_invalid_values (runtimes reported before architectures).
    text = (
        f"2 validation errors detected: Value '[{', '.join(runtimes)}]' at 'compatibleRuntimes' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{RUNTIMES_PUBLISHED}]; "
        f"Value '[{', '.join(architectures)}]' at 'compatibleArchitectures' failed to satisfy constraint: "
        f"Member must satisfy constraint: [Member must satisfy enum value set: {ARCHITECTURES}, "
        "Member must not be null]"
    )
    with aws_error(client, "ValidationException", text, typed=False):
        publish(raw_client, CompatibleRuntimes=runtimes, CompatibleArchitectures=architectures)


UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."


@pytest.mark.parametrize(
    "content, text",
    [
        # Layer zips are judged as function zips are (recorded for functions: TestLambdaSizeLimits and
        # test_lambda_api's code checks); the texts for layers are assumed the same.
        ({"ZipFile": b"not a zip"}, UNZIP),
        ({"ZipFile": LAYER_ZIP, "S3Bucket": "bucket", "S3Key": "key"},
         "Please do not provide other FunctionCode parameters when providing a ZipFile."),
        ({}, "Please provide a source for function code."),
    ],
)
def test_content_is_judged_at_upload(client, aws_error, content, text) -> None:
    with aws_error(client, "InvalidParameterValueException", text):
        client.publish_layer_version(LayerName="lib", Content=content)


def test_content_from_s3_through_moto(client, aws_error) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="layers")
        s3.put_object(Bucket="layers", Key="lib.zip", Body=LAYER_ZIP)
        # Recorded: TestLambdaLayer::test_layer_s3_content > publish_layer_result.
        response = client.publish_layer_version(LayerName="lib", Content={"S3Bucket": "layers", "S3Key": "lib.zip"})
        assert response["Content"]["CodeSize"] == len(LAYER_ZIP)
        text = ("Error occurred while GetObject. S3 Error Code: NoSuchKey. "
                "S3 Error Message: The specified key does not exist.")
        with aws_error(client, "InvalidParameterValueException", text):
            client.publish_layer_version(LayerName="lib", Content={"S3Bucket": "layers", "S3Key": "missing.zip"})


def test_content_from_an_unmocked_s3_is_refused_and_not_fetched(escapes: Proxy) -> None:
    with mock_lambda():
        client = boto3.client("lambda", region_name=REGION)
        with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
            client.publish_layer_version(LayerName="lib", Content={"S3Bucket": "layers", "S3Key": "lib.zip"})
        assert "does not call s3: it is not mocked" in caught.value.response["Error"]["Message"]
        assert client.list_layers()["Layers"] == []
    assert escapes.attempts == []


def test_another_accounts_layer_cannot_be_published_to(client, aws_error) -> None:
    with aws_error(client, "AccessDeniedException", None, typed=False):
        publish(client, layer_arn("lib", account="999999999999"))
    assert publish(client, layer_arn("lib"))["LayerVersionArn"] == layer_arn("lib") + ":1"
