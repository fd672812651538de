"""Functions through boto3: create, read, list, update, delete, account settings, regions and activations."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from lambdamock import LambdaMock, mock_lambda, package, partitions
from lambdamock.errors import NotServedError
from tests.helpers import MODEL, ROLE, model_constraint, modeled, moto_aws

LAST_MODIFIED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000")
# Members Get/Create/Update report but list entries leave out.
STATE_MEMBERS = {
    "State", "StateReason", "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode", "RuntimeVersionConfig",
}


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


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


IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest"


def test_image_function_stores_its_image(client, create_function):
    created = create_function("img", PackageType="Image", Runtime=None, Handler=None, Code={"ImageUri": IMAGE})
    for config in (created, client.get_function_configuration(FunctionName="img")):
        assert config["PackageType"] == "Image"
        assert not {"Runtime", "Handler", "RuntimeVersionConfig"} & set(config)
    code = client.get_function(FunctionName="img")["Code"]
    digest = created["CodeSha256"]
    assert code == {
        "RepositoryType": "ECR",
        "ImageUri": IMAGE,
        "ResolvedImageUri": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:{digest}",
    }

    newer = IMAGE.replace(":latest", ":v2")
    updated = client.update_function_code(FunctionName="img", ImageUri=newer)
    assert updated["CodeSha256"] != digest
    assert client.get_function(FunctionName="img")["Code"]["ImageUri"] == newer


@pytest.mark.parametrize("uri", [
    "repo:tag",  # no registry: "instance-scheduler-ecr-repo:latest" (ministryofjustice/modernisation-platform#2419)
    # no tag (aws-samples/bedrock-access-gateway#205, hashicorp/terraform#27963)
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo",
    "docker.io/library/python:3.12",  # not ECR
    "123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/repo:tag",  # China's domain for a region outside China
])
def test_an_image_uri_that_names_no_ecr_image_is_refused(client, aws_error, uri):
    # AWS's text, quoted in those threads: "Source image <uri> is not valid. Provide a valid source image."
    with aws_error(client, "InvalidParameterValueException",
                   f"Source image {uri} is not valid. Provide a valid source image."):
        client.create_function(FunctionName="img", Role=ROLE, PackageType="Image", Code={"ImageUri": uri})
    assert client.list_functions()["Functions"] == []


@pytest.mark.parametrize(("region", "uri"), [
    ("cn-north-1", "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app:v1"),
    ("us-gov-west-1", "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app:v1"),
    ("us-iso-east-1", "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/app:v1"),
])
def test_an_image_uri_of_each_partition_is_taken(lambda_mock, region, uri):
    client = boto3.client("lambda", region_name=region)
    role = f"arn:{partitions.of(region)}:iam::123456789012:role/r"
    created = client.create_function(FunctionName="img", Role=role, PackageType="Image", Code={"ImageUri": uri})
    assert client.get_function(FunctionName="img")["Code"]["ImageUri"] == uri
    assert created["CodeSize"] == 0


def test_an_image_pinned_by_digest_reports_that_digest(client, create_function):
    digest = "ab" * 32
    pinned = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/team/repo@sha256:{digest}"
    created = create_function("img", PackageType="Image", Runtime=None, Handler=None, Code={"ImageUri": pinned})
    assert (created["CodeSha256"], created["CodeSize"]) == (digest, 0)
    assert client.get_function(FunctionName="img")["Code"]["ResolvedImageUri"] == pinned


def test_an_image_in_motos_ecr_reports_its_digest():
    # As LocalStack's AWS-validated snapshots show: CodeSha256 is the image digest's hex, CodeSize 0, and
    # ResolvedImageUri pins the repository to it.
    with moto_aws(), mock_lambda():
        ecr = boto3.client("ecr", region_name="us-east-1")
        ecr.create_repository(repositoryName="team/app")
        manifest = '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}'
        digest = ecr.put_image(repositoryName="team/app", imageManifest=manifest,
                               imageTag="v1")["image"]["imageId"]["imageDigest"]
        client = boto3.client("lambda", region_name="us-east-1")
        uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1"
        created = client.create_function(FunctionName="img", Role=ROLE, PackageType="Image", Code={"ImageUri": uri})
        assert (created["CodeSha256"], created["CodeSize"]) == (digest.split(":", 1)[1], 0)
        assert client.get_function(FunctionName="img")["Code"]["ResolvedImageUri"] == (
            f"123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app@{digest}")


def test_an_image_the_mocked_ecr_does_not_hold_is_refused():
    # AWS's text, as public reports quote it (aws/aws-cdk#24648, hashicorp/terraform#27963). A repository moto's
    # ECR does not hold is taken for one ECR is not mocked for, as moto takes any image unless told otherwise.
    with moto_aws(), mock_lambda():
        ecr = boto3.client("ecr", region_name="us-east-1")
        ecr.create_repository(repositoryName="app")
        manifest = '{"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"}'
        ecr.put_image(repositoryName="app", imageManifest=manifest, imageTag="v1")
        client = boto3.client("lambda", region_name="us-east-1")
        registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
        for uri in (f"{registry}/app:v2", f"{registry}/app@sha256:{'ab' * 32}"):
            with pytest.raises(client.exceptions.InvalidParameterValueException) as refused:
                client.create_function(FunctionName="img", Role=ROLE, PackageType="Image", Code={"ImageUri": uri})
            assert refused.value.response["Error"]["Message"] == (
                f"Source image {uri} does not exist. Provide a valid source image.")
        assert client.list_functions()["Functions"] == []
        client.create_function(FunctionName="img", Role=ROLE, PackageType="Image", Code={"ImageUri": f"{registry}/app:v1"})
        with pytest.raises(client.exceptions.InvalidParameterValueException):
            client.update_function_code(FunctionName="img", ImageUri=f"{registry}/app:v2")
        assert client.get_function(FunctionName="img")["Code"]["ImageUri"] == f"{registry}/app:v1"
        client.create_function(FunctionName="other", Role=ROLE, PackageType="Image",
                               Code={"ImageUri": f"{registry}/not-in-ecr:v1"})
        # Another account's registry, or another region's, is not the mock's ECR: nothing is looked up there.
        for elsewhere in ("999999999999.dkr.ecr.us-east-1.amazonaws.com/app:v2",
                          "123456789012.dkr.ecr.not-a-region.amazonaws.com/app:v2"):
            created = client.create_function(FunctionName="far", Role=ROLE, PackageType="Image",
                                             Code={"ImageUri": elsewhere})
            assert created["CodeSha256"] == hashlib.sha256(elsewhere.encode()).hexdigest()
            client.delete_function(FunctionName="far")


def test_an_empty_kms_key_arn_goes_back_to_lambdas_own_key(client, create_function):
    # Lambda encrypts with its own key when none is given, and a configuration then shows no KMSKeyArn;
    # infrastructure tools send "" to go back to it (terraform's kms_key_arn = "", CloudFormation removing it).
    create_function("f", KMSKeyArn="arn:aws:kms:us-east-1:123456789012:key/k")
    assert client.get_function_configuration(FunctionName="f")["KMSKeyArn"].endswith(":key/k")
    client.update_function_configuration(FunctionName="f", KMSKeyArn="")
    assert "KMSKeyArn" not in client.get_function_configuration(FunctionName="f")


def list_all(client, **params):
    return [entry for page in client.get_paginator("list_functions").paginate(**params) for entry in page["Functions"]]


def test_list_functions_reports_latest_unqualified(client, create_function, arn):
    assert client.list_functions()["Functions"] == []
    for name in ("b", "a", "c"):
        create_function(name)
    client.publish_version(FunctionName="a")
    listed = client.list_functions()
    assert "NextMarker" not in listed
    entries = {entry["FunctionName"]: entry for entry in listed["Functions"]}
    assert set(entries) == {"a", "b", "c"}
    for name, entry in entries.items():
        assert entry["FunctionArn"] == arn(name)
        assert entry["Version"] == "$LATEST"
        assert not STATE_MEMBERS & set(entry)
        assert entry["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}


def test_list_functions_all_versions(client, create_function, arn):
    create_function("a")
    create_function("b")
    client.publish_version(FunctionName="a")
    client.update_function_configuration(FunctionName="a", Timeout=9)
    client.publish_version(FunctionName="a")
    arns = [entry["FunctionArn"] for entry in list_all(client, FunctionVersion="ALL")]
    assert sorted(arns) == sorted(
        [arn("a", "$LATEST"), arn("a", "1"), arn("a", "2"), arn("b", "$LATEST")]
    )
    # Paging one entry at a time visits the same entries.
    one_by_one = [entry["FunctionArn"] for entry in list_all(client, FunctionVersion="ALL", PaginationConfig={"PageSize": 1})]
    assert one_by_one == arns


def test_list_functions_of_a_master_region_lists_lambda_edge_replicas_only(client, create_function):
    # ListFunctions in the API reference: MasterRegion keeps only Lambda@Edge replicas (none here), and needs
    # FunctionVersion=ALL. AWS's answers as reported in aws/aws-cli#2911: the error text, then an empty list.
    create_function("a")
    assert client.list_functions(MasterRegion="us-east-1", FunctionVersion="ALL")["Functions"] == []
    assert client.list_functions(MasterRegion="ALL", FunctionVersion="ALL")["Functions"] == []
    with pytest.raises(client.exceptions.InvalidParameterValueException) as refused:
        client.list_functions(MasterRegion="eu-west-1")
    assert refused.value.response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "The combination MasterArn=eu-west-1 and FunctionVersion=NULL is not supported. "
                   "Please see our documentation for valid combinations of ListFunctions options."}
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_functions_marker_and_max_items(client, create_function):
    for index in range(5):
        create_function(f"fn-{index}")
    first = client.list_functions(MaxItems=2)
    assert len(first["Functions"]) == 2
    second = client.list_functions(MaxItems=2, Marker=first["NextMarker"])
    third = client.list_functions(MaxItems=2, Marker=second["NextMarker"])
    assert "NextMarker" not in third
    names = [entry["FunctionName"] for page in (first, second, third) for entry in page["Functions"]]
    assert sorted(names) == [f"fn-{index}" for index in range(5)]


def test_list_functions_survives_deleting_the_marker(client, create_function):
    for name in ("a", "b", "c", "d"):
        create_function(name)
    first = client.list_functions(MaxItems=2)
    for entry in first["Functions"]:
        client.delete_function(FunctionName=entry["FunctionName"])
    rest = client.list_functions(Marker=first["NextMarker"])
    names = {entry["FunctionName"] for entry in first["Functions"]}
    assert {entry["FunctionName"] for entry in rest["Functions"]} == {"a", "b", "c", "d"} - names


def test_paginator_walks_many_functions(client, create_function):
    for index in range(120):
        create_function(f"fn-{index:03d}")
    pages = list(client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 7}))
    assert len(pages) == 18
    assert all(len(page["Functions"]) == 7 for page in pages[:-1])
    names = [entry["FunctionName"] for page in pages for entry in page["Functions"]]
    assert sorted(names) == [f"fn-{index:03d}" for index in range(120)]
    assert len(client.list_functions()["Functions"]) == 50, "AWS's default page is 50"
    # "ListFunctions returns a maximum of 50 items in each response, even if you set the number higher"
    # (MaxItems in the API reference); so does ListVersionsByFunction.
    larger = client.list_functions(MaxItems=1000)
    assert len(larger["Functions"]) == 50 and "NextMarker" in larger


def test_update_function_configuration(client, create_function):
    created = create_function("f", Environment={"Variables": {"KEY_A": "1"}})
    before = client.get_function_configuration(FunctionName="f")
    updated = client.update_function_configuration(
        FunctionName="f", Description="new", Timeout=60, MemorySize=256, Environment={"Variables": {"KEY_B": "2"}}
    )
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert updated["State"] == "Active"
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["LastUpdateStatusReason"] == "The function is being created."
    assert updated["LastUpdateStatusReasonCode"] == "Creating"
    assert updated["RevisionId"] not in (created["RevisionId"], before["RevisionId"])
    after = client.get_function_configuration(FunctionName="f")
    assert after["LastUpdateStatus"] == "Successful"
    assert "LastUpdateStatusReason" not in after
    assert after["RevisionId"] not in (updated["RevisionId"], before["RevisionId"])
    assert (after["Description"], after["Timeout"], after["MemorySize"]) == ("new", 60, 256)
    assert after["Environment"] == {"Variables": {"KEY_B": "2"}}
    assert after["CodeSha256"] == before["CodeSha256"]
    assert after["Handler"] == before["Handler"] and after["Runtime"] == before["Runtime"]
    assert after["LastModified"] >= before["LastModified"]


def test_update_function_configuration_with_matching_revision(client, create_function):
    create_function("f")
    revision = client.get_function(FunctionName="f")["Configuration"]["RevisionId"]
    client.update_function_configuration(FunctionName="f", Handler="other.handler", RevisionId=revision)
    assert client.get_function_configuration(FunctionName="f")["Handler"] == "other.handler"


def test_update_function_code(client, create_function, make_zip):
    created = create_function("f")
    newer = make_zip({"index.py": "def handler(e, c):\n    return 2\n"})
    revision = client.get_function_configuration(FunctionName="f")["RevisionId"]
    updated = client.update_function_code(FunctionName="f", ZipFile=newer, RevisionId=revision)
    assert updated["CodeSha256"] == sha256_b64(newer) != created["CodeSha256"]
    assert updated["CodeSize"] == len(newer)
    assert updated["Version"] == "$LATEST"
    assert (updated["State"], updated["LastUpdateStatus"]) == ("Active", "InProgress")
    after = client.get_function_configuration(FunctionName="f")
    assert after["CodeSha256"] == sha256_b64(newer)
    assert after["LastUpdateStatus"] == "Successful"
    assert after["RevisionId"] not in (revision, updated["RevisionId"])
    assert client.list_versions_by_function(FunctionName="f")["Versions"][1:] == []


def test_update_function_code_changes_the_architecture(client, create_function, make_zip):
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaBehavior::test_mixed_architecture: the update
    # answers with the new architecture, and the runtime version's ARN is another one for it.
    created = create_function("f", Architectures=["x86_64"])
    updated = client.update_function_code(FunctionName="f", ZipFile=make_zip(), Architectures=["arm64"])
    assert updated["Architectures"] == ["arm64"]
    runtime_arn = updated["RuntimeVersionConfig"]["RuntimeVersionArn"]
    assert runtime_arn != created["RuntimeVersionConfig"]["RuntimeVersionArn"]
    after = client.get_function_configuration(FunctionName="f")
    assert (after["Architectures"], after["RuntimeVersionConfig"]["RuntimeVersionArn"]) == (["arm64"], runtime_arn)
    published = client.update_function_code(FunctionName="f", ZipFile=make_zip(), Architectures=["x86_64"], Publish=True)
    assert published["Architectures"] == ["x86_64"]
    assert client.get_function_configuration(FunctionName="f", Qualifier="1")["Architectures"] == ["x86_64"]


def test_update_function_code_dry_run_changes_nothing(client, create_function, make_zip):
    create_function("f")
    before = client.get_function(FunctionName="f")["Configuration"]
    client.update_function_code(FunctionName="f", ZipFile=make_zip({"other.py": ""}), DryRun=True)
    assert client.get_function(FunctionName="f")["Configuration"] == before


def test_delete_function(client, create_function, arn):
    create_function("f")
    create_function("g")
    client.publish_version(FunctionName="f")
    deleted = client.delete_function(FunctionName=arn("f"))
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [entry["FunctionName"] for entry in list_all(client, FunctionVersion="ALL")] == ["g"]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_function(FunctionName="f")
    # The name is free again; versions start over for the new function.
    create_function("f")
    assert client.publish_version(FunctionName="f")["Version"] == "1"


def test_revision_id_changes_on_every_change(client, create_function, make_zip):
    seen = [create_function("f")["RevisionId"]]

    def latest():
        return client.get_function(FunctionName="f")["Configuration"]["RevisionId"]

    seen.append(latest())
    seen.append(client.update_function_configuration(FunctionName="f", Timeout=5)["RevisionId"])
    seen.append(latest())
    seen.append(client.update_function_code(FunctionName="f", ZipFile=make_zip({"x.py": ""}))["RevisionId"])
    seen.append(latest())
    seen.append(client.publish_version(FunctionName="f")["RevisionId"])
    seen.append(latest())
    assert len(set(seen)) == len(seen)
    assert latest() == seen[-1], "reading changes nothing"


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
     ("us-isob-east-1", "aws-iso-b")],
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


@pytest.mark.parametrize(("member", "value", "path", "pattern"), [
    ("SubnetIds", "subnet-A", "vpcConfig.subnetIds", "subnet-[0-9a-z]*"),
    ("SecurityGroupIds", "sg-A!", "vpcConfig.securityGroupIds", "sg-[0-9a-zA-Z]*"),
])
@pytest.mark.skipif(
    not MODEL.operation_model("CreateFunction").input_shape.members["VpcConfig"].members["SubnetIds"].member.metadata,
    reason="this botocore's model has no constraints on subnet and security group IDs (lambdamock echoes the model)",
)
def test_a_malformed_subnet_or_security_group_is_refused_as_aws_words_it(client, create_function, aws_error,
                                                                          member, value, path, pattern):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaFunction::test_invalid_vpc_config_subnet and
    # ::test_invalid_vpc_config_security_group (invalid format): unlike layers' and architectures' elements,
    # these are quoted without "Member must not be null".
    message = (f"1 validation error detected: Value '[{value}]' at '{path}' failed to satisfy constraint: Member "
               f"must satisfy constraint: [Member must have length less than or equal to 1024, Member must have "
               f"length greater than or equal to 0, Member must satisfy regular expression pattern: {pattern}]")
    config = {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"], member: [value]}
    with aws_error(client, "ValidationException", message):
        create_function(VpcConfig=config)


def test_a_bad_environment_variable_is_refused_without_printing_the_variables(client, create_function, aws_error):
    # AWS leaves out the value of a member its model marks sensitive, as environment variables are. Quoted from
    # AWS's answers in trek10inc/serverless-secrets#39 and aws-amplify/amplify-backend#2290.
    message = ("1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map "
               "keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
    with aws_error(client, "ValidationException", message):
        create_function(Environment={"Variables": {"DB_PASSWORD": "hunter2", "X": "1"}})
    create_function()
    with aws_error(client, "ValidationException", message):
        client.update_function_configuration(FunctionName="f", Environment={"Variables": {"A": "secret"}})


def test_vpc_config_and_image_config_read_back_as_aws_shows_them(client, create_function):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaFunction::test_vpc_config (create_response)
    # and TestLambdaImages::test_lambda_image_and_image_config_crud (an empty ImageConfig removes it).
    created = create_function(VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})
    assert created["VpcConfig"] == {"Ipv6AllowedForDualStack": False, "SubnetIds": ["subnet-1"],
                                    "SecurityGroupIds": ["sg-1"], "VpcId": created["VpcConfig"]["VpcId"]}
    # No VPC reads as the recorded delete_vpcconfig does, also for the VpcConfig={} that Zappa sends.
    no_vpc = {"Ipv6AllowedForDualStack": False, "SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}
    assert client.update_function_configuration(FunctionName="f", VpcConfig={})["VpcConfig"] == no_vpc
    assert create_function("bare", VpcConfig={})["VpcConfig"] == no_vpc
    create_function("img", PackageType="Image", Runtime=None, Handler=None,
                    Code={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:tag"},
                    ImageConfig={"Command": ["app.handler"]})
    assert client.get_function_configuration(FunctionName="img")["ImageConfigResponse"] == {
        "ImageConfig": {"Command": ["app.handler"]}}
    client.update_function_configuration(FunctionName="img", ImageConfig={})
    assert "ImageConfigResponse" not in client.get_function_configuration(FunctionName="img")


@pytest.mark.parametrize("config", [{"SubnetIds": ["subnet-1"]}, {"SecurityGroupIds": ["sg-1"]},
                                    {"SubnetIds": ["subnet-1"], "SecurityGroupIds": []}])
def test_subnets_and_security_groups_come_together(client, create_function, aws_error, config):
    # AWS's text as its users quote its answers: aws/aws-sdk-js#1293 (the response body), appleboy/lambda-action#72.
    message = "SubnetIds and SecurityIds must coexist or be both empty list."
    with aws_error(client, "InvalidParameterValueException", message):
        create_function(VpcConfig=config)
    assert client.list_functions()["Functions"] == []
    create_function()
    with aws_error(client, "InvalidParameterValueException", message):
        client.update_function_configuration(FunctionName="f", VpcConfig=config)
    assert "VpcConfig" not in client.get_function_configuration(FunctionName="f")  # untouched


ACCESS_POINT = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0"
EFS = [{"Arn": ACCESS_POINT, "LocalMountPath": "/mnt/data"}]
VPC = {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}


def test_an_efs_access_point_needs_the_function_in_a_vpc(client, create_function, aws_error):
    # AWS's texts as its users quote them: cfn-lint#4369 (from CloudFormation) and chalice#1453.
    with aws_error(client, "InvalidParameterValueException",
                   f"Function must be configured to execute in a VPC to reference access point {ACCESS_POINT}."):
        create_function(FileSystemConfigs=EFS)
    assert client.list_functions()["Functions"] == []
    created = create_function(FileSystemConfigs=EFS, VpcConfig=VPC)
    assert created["FileSystemConfigs"] == EFS
    with aws_error(client, "InvalidParameterValueException",
                   f"Function VPC configuration cannot be removed with access point {ACCESS_POINT} referenced."):
        client.update_function_configuration(FunctionName="f", VpcConfig={})
    assert client.get_function_configuration(FunctionName="f")["VpcConfig"]["SubnetIds"] == ["subnet-1"]
    # Both away at once is fine; no file systems reads as never having had any.
    updated = client.update_function_configuration(FunctionName="f", VpcConfig={}, FileSystemConfigs=[])
    assert "FileSystemConfigs" not in updated and updated["VpcConfig"]["SubnetIds"] == []
    create_function("bare")
    with aws_error(client, "InvalidParameterValueException",
                   f"Function must be configured to execute in a VPC to reference access point {ACCESS_POINT}."):
        client.update_function_configuration(FunctionName="bare", FileSystemConfigs=EFS)


def test_tracing_config_always_shows_a_mode(client, create_function):
    # Every recorded configuration has TracingConfig.Mode (PassThrough unless set): a Mode left out keeps it.
    assert create_function(TracingConfig={})["TracingConfig"] == {"Mode": "PassThrough"}
    client.update_function_configuration(FunctionName="f", TracingConfig={"Mode": "Active"})
    assert client.update_function_configuration(FunctionName="f", TracingConfig={})["TracingConfig"] == \
        {"Mode": "Active"}
