"""moto's Resource Groups Tagging API finds and tags lambdamock's functions, as AWS's finds Lambda's.

AWS's GetResources lists a Lambda function (`lambda:function`) by its unqualified ARN with its tags, and
TagResources/UntagResources change them as Lambda's TagResource/UntagResource do (Resource Groups Tagging
API Reference; "Using tags on Lambda functions"). A resource it could not tag is an entry of
FailedResourcesMap whose ErrorCode may be "any valid error code returned by the AWS service that hosts the
resource" (API_FailureInfo).
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import boto3
import pytest
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.escapes import Proxy
from tests.helpers import moto_role
from tests.trigger_helpers import ECHO, REGION, nested


class Tagging:
    def __init__(self) -> None:
        self.lam = boto3.client("lambda", region_name=REGION)
        self.api = boto3.client("resourcegroupstaggingapi", region_name=REGION)

    def create(self, name: str, region: str = REGION, **extra: Any) -> str:
        client = boto3.client("lambda", region_name=region)
        return client.create_function(FunctionName=name, Runtime="python3.12", Role=moto_role(), Handler="app.handler",
                                      Code={"ZipFile": package({"app.py": ECHO})}, **extra)["FunctionArn"]

    def listed(self, **filters: Any) -> dict[str, dict[str, str]]:
        mappings = self.api.get_resources(**filters)["ResourceTagMappingList"]
        return {m["ResourceARN"]: {t["Key"]: t["Value"] for t in m["Tags"]} for m in mappings}


def needs_untag_resources() -> None:
    from moto.resourcegroupstaggingapi.responses import ResourceGroupsTaggingAPIResponse

    if not hasattr(ResourceGroupsTaggingAPIResponse, "untag_resources"):
        pytest.skip("this moto's tagging API has no UntagResources (moto 5.1.0 has none)")


@pytest.fixture(params=[True, False], ids=["lambdamock-first", "moto-first"])
def tagging(request: pytest.FixtureRequest) -> Iterator[Tagging]:
    with nested(request.param):
        yield Tagging()


def test_get_resources_lists_the_tagged_functions_with_their_tags(tagging: Tagging) -> None:
    tagged = tagging.create("tagged", Tags={"team": "a", "cost": "1"})
    other = tagging.create("other", Tags={"team": "b"})
    tagging.create("untagged")
    tagging.create("elsewhere", region="eu-west-1", Tags={"team": "a"})

    assert tagging.listed(ResourceTypeFilters=["lambda:function"]) == {
        tagged: {"team": "a", "cost": "1"}, other: {"team": "b"}}
    assert tagging.listed(ResourceTypeFilters=["lambda"], TagFilters=[{"Key": "team", "Values": ["a"]}]) == {
        tagged: {"team": "a", "cost": "1"}}
    assert tagging.listed(TagFilters=[{"Key": "cost"}]) == {tagged: {"team": "a", "cost": "1"}}


def test_tag_resources_tags_a_function_as_lambda_s_tag_resource_does(tagging: Tagging) -> None:
    needs_untag_resources()
    arn = tagging.create("f", Tags={"keep": "1"})
    revision = tagging.lam.get_function(FunctionName="f")["Configuration"]["RevisionId"]

    answer = tagging.api.tag_resources(ResourceARNList=[arn], Tags={"team": "a"})

    assert answer["FailedResourcesMap"] == {}
    assert tagging.lam.list_tags(Resource=arn)["Tags"] == {"keep": "1", "team": "a"}
    assert tagging.lam.get_function(FunctionName="f")["Configuration"]["RevisionId"] != revision
    assert tagging.listed(ResourceTypeFilters=["lambda:function"]) == {arn: {"keep": "1", "team": "a"}}

    assert tagging.api.untag_resources(ResourceARNList=[arn], TagKeys=["keep", "absent"])["FailedResourcesMap"] == {}
    assert tagging.lam.list_tags(Resource=arn)["Tags"] == {"team": "a"}


def test_a_function_lambda_cannot_tag_is_a_failed_resource_and_the_others_are_tagged(tagging: Tagging) -> None:
    arn = tagging.create("f")
    missing = arn.rsplit(":", 1)[0] + ":missing"
    crowded = tagging.create("crowded", Tags={f"k{n}": "v" for n in range(50)})
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName="group")
    group = logs.describe_log_groups(logGroupNamePrefix="group")["logGroups"][0]["arn"].rstrip("*").rstrip(":")

    failed = tagging.api.tag_resources(ResourceARNList=[arn, missing, crowded, group],
                                       Tags={"team": "a"})["FailedResourcesMap"]

    assert failed == {
        missing: {"StatusCode": 404, "ErrorCode": "ResourceNotFoundException",
                  "ErrorMessage": f"Function not found: {missing}"},
        crowded: {"StatusCode": 400, "ErrorCode": "InvalidParameterValueException",
                  "ErrorMessage": "Number of tags exceeds resource tag limit."},
    }
    assert tagging.lam.list_tags(Resource=arn)["Tags"] == {"team": "a"}
    assert len(tagging.lam.list_tags(Resource=crowded)["Tags"]) == 50
    assert logs.list_tags_for_resource(resourceArn=group)["tags"] == {"team": "a"}


def test_tag_keys_and_values_include_the_functions_tags(tagging: Tagging) -> None:
    import moto.resourcegroupstaggingapi.models as models

    if not hasattr(models, "iter_taggable_backends"):
        pytest.skip("moto before 5.2.2 lists no Lambda tags in GetTagKeys and GetTagValues")
    tagging.create("f", Tags={"team": "a"})
    tagging.create("g", Tags={"team": "b"})

    assert set(tagging.api.get_tag_keys()["TagKeys"]) == {"team"}  # moto lists a key once per resource
    assert sorted(tagging.api.get_tag_values(Key="team")["TagValues"]) == ["a", "b"]


def test_the_tagging_api_of_another_account_leaves_the_mock_s_functions_alone() -> None:
    with mock_aws(), mock_lambda():
        tagging = Tagging()
        arn = tagging.create("f", Tags={"team": "a"})
        keys = boto3.client("sts", region_name=REGION).assume_role(
            RoleArn="arn:aws:iam::222222222222:role/auditor", RoleSessionName="audit")["Credentials"]
        other = boto3.client("resourcegroupstaggingapi", region_name=REGION, aws_access_key_id=keys["AccessKeyId"],
                             aws_secret_access_key=keys["SecretAccessKey"], aws_session_token=keys["SessionToken"])

        assert other.get_resources(ResourceTypeFilters=["lambda:function"])["ResourceTagMappingList"] == []
        # moto's own answer for a function its Lambda does not hold: a failed resource (moto 5.2), an error (5.1).
        with contextlib.suppress(other.exceptions.ClientError):
            assert list(other.tag_resources(ResourceARNList=[arn], Tags={"x": "y"})["FailedResourcesMap"]) == [arn]
        assert tagging.lam.list_tags(Resource=arn)["Tags"] == {"team": "a"}


def test_once_the_mock_stops_the_tagging_api_reads_moto_s_lambda_again() -> None:
    with mock_aws():
        with mock_lambda():
            Tagging().create("mine", Tags={"team": "a"})
        tagging = Tagging()  # moto's own Lambda from here on
        arn = tagging.lam.create_function(FunctionName="moto-s", Runtime="python3.12", Role=moto_role(),
                                          Handler="app.handler", Code={"ZipFile": package({"app.py": ECHO})},
                                          Tags={"team": "m"})["FunctionArn"]

        assert tagging.listed(ResourceTypeFilters=["lambda:function"]) == {arn: {"team": "m"}}


def test_tagging_through_moto_sends_nothing_out_of_the_process(escapes: Proxy) -> None:
    needs_untag_resources()
    # The tagging API's Lambda calls (a client made inside moto's request) are answered by the mock itself.
    with mock_aws(), mock_lambda():
        tagging = Tagging()
        arn = tagging.create("f", Tags={"team": "a"})
        tagging.api.tag_resources(ResourceARNList=[arn, arn.rsplit(":", 1)[0] + ":missing"], Tags={"x": "y"})
        tagging.api.untag_resources(ResourceARNList=[arn], TagKeys=["team"])
        assert tagging.listed(ResourceTypeFilters=["lambda:function"]) == {arn: {"x": "y"}}
    assert escapes.attempts == []


def test_the_tagging_api_of_another_region_tags_that_regions_functions(tagging: Tagging) -> None:
    arn = tagging.create("f", region="eu-west-1")
    api = boto3.client("resourcegroupstaggingapi", region_name="eu-west-1")

    assert api.tag_resources(ResourceARNList=[arn], Tags={"team": "a"})["FailedResourcesMap"] == {}
    assert boto3.client("lambda", region_name="eu-west-1").list_tags(Resource=arn)["Tags"] == {"team": "a"}
    assert {m["ResourceARN"] for m in api.get_resources()["ResourceTagMappingList"]} == {arn}
