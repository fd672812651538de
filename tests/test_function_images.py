"""Image functions through boto3: the image stored, image URIs taken and refused, digests from moto's ECR."""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest

from lambdamock import mock_lambda, partitions
from tests.helpers import ROLE, moto_aws

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


def test_invoking_an_image_function_gives_the_unsupported_error(client, create_function):
    # docs/limitations.md ("Runtimes and code"): container-image functions are stored, and invoking one gives a
    # Runtime.Unsupported error that names what cannot run (lambdamock's own error: AWS runs the image).
    create_function("img", PackageType="Image", Runtime=None, Handler=None, Code={"ImageUri": IMAGE})
    response = client.invoke(FunctionName="img")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read()) == {
        "errorType": "Runtime.Unsupported",
        "errorMessage": "lambdamock runs only Python handlers; runtime (container image) is not supported",
    }


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
