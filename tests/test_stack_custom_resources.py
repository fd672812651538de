"""Custom resources of stacks deployed with moto's CloudFormation, served by lambdamock's functions.

As CloudFormation's "Custom resources" documents them (request and response objects): the function gets
RequestType Create, Update or Delete with ServiceToken, ResponseURL, StackId, RequestId,
LogicalResourceId, ResourceType and ResourceProperties (its values as strings), plus PhysicalResourceId
(Update and Delete) and OldResourceProperties (Update); it answers with a PUT to the ResponseURL, whose Data
are the resource's GetAtt attributes. A new PhysicalResourceId on Update replaces the resource: the old one
gets a Delete once the update is made. A resource is deleted before what it depends on (its function). The
resource status reasons "Received response status [FAILED] from custom resource. Message returned: ...
(RequestId: ...)" and "CloudFormation did not receive a response from your Custom Resource. ..." are AWS's
as users quote them (awslabs/aws-video-transcriber#32, aws-samples/aws-security-reference-architecture-examples#162).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from lambdamock import mock_lambda
from tests.escapes import Proxy
from tests.helpers import moto_aws

pytest.importorskip("moto.cloudformation")
REGION = "us-east-1"

# Answers as its properties say (cfn-response, beside inline code); the event it got is kept in its log.
PROVIDER = """import json, urllib.request, cfnresponse
def handler(event, context):
    print("EVENT " + json.dumps(event))
    props = event["ResourceProperties"]
    if props.get("Silent") == "true":
        return
    if "Answer" in props:  # sent as given, as a provider that does not use cfn-response may
        body = props["Answer"].replace("REQUEST", event["RequestId"]).encode()
        urllib.request.urlopen(urllib.request.Request(event["ResponseURL"], data=body, method="PUT"))
        return
    status = cfnresponse.FAILED if props.get("Fail") == "true" else cfnresponse.SUCCESS
    cfnresponse.send(event, context, status, {"Greeting": "hello " + props.get("Name", "")},
                     physicalResourceId=props.get("Id", "first"), reason=props.get("Reason"))
"""


def template(**custom: Any) -> str:
    return json.dumps({
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}}},
            "Provider": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.12", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": PROVIDER}}},
            "Greeting": {"Type": "Custom::Greeting", "Properties": {
                "ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]}, **custom}},
        },
        "Outputs": {"Said": {"Value": {"Fn::GetAtt": ["Greeting", "Greeting"]}},
                    "Id": {"Value": {"Ref": "Greeting"}}},
    })


@pytest.fixture
def deploy() -> Iterator[tuple[Any, Any]]:
    with moto_aws(), mock_lambda() as mock:
        yield boto3.client("cloudformation", region_name=REGION), mock


def events(mock: Any) -> list[dict[str, Any]]:
    """The requests the provider got, in order."""
    mock.wait()
    found = [re.search(r"EVENT (.*)", run.log) for run in mock.invocations]
    return [json.loads(match.group(1)) for match in found if match]


def outputs(cf: Any, stack: str) -> dict[str, str]:
    return {out["OutputKey"]: out["OutputValue"] for out in cf.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]}


def test_the_function_creates_the_resource_and_its_data_are_the_attributes(deploy: tuple[Any, Any]) -> None:
    cf, mock = deploy
    # Numbers and booleans reach the function as strings, in lists and objects too: CloudFormation "turns all the
    # JSON properties passed to the resource into strings" (aws/aws-cdk-rfcs#375; cloudformation-coverage-roadmap#1037).
    stack_id = cf.create_stack(StackName="app", TemplateBody=template(Name="world", Count=3, On=True, Ratio=1.5,
                                                                      Items=[1, False], Nested={"N": 2}))["StackId"]

    assert cf.describe_stacks(StackName="app")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert outputs(cf, "app") == {"Said": "hello world", "Id": "first"}
    [create] = events(mock)
    token = create["ServiceToken"]
    assert re.fullmatch(r"arn:aws:lambda:us-east-1:123456789012:function:app-Provider-\w+", token)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\S+", create.pop("ResponseURL"))
    assert re.fullmatch(r"[0-9a-f-]{36}", create.pop("RequestId"))
    assert create == {"RequestType": "Create", "ServiceToken": token, "StackId": stack_id,
                      "LogicalResourceId": "Greeting", "ResourceType": "Custom::Greeting",
                      "ResourceProperties": {"ServiceToken": token, "Name": "world", "Count": "3", "On": "true",
                                             "Ratio": "1.5", "Items": ["1", "false"], "Nested": {"N": "2"}}}
    # The answer's PUT is taken as S3 takes a presigned PUT: 200 OK (S3's PutObject), which cfn-response prints.
    assert "Status code: 200" in mock.invocations[0].log


def test_an_update_goes_to_the_function_and_a_new_physical_id_deletes_the_old_one(deploy: tuple[Any, Any]) -> None:
    cf, mock = deploy
    cf.create_stack(StackName="app", TemplateBody=template(Name="world", Count=3))
    cf.update_stack(StackName="app", TemplateBody=template(Name="moon"))
    cf.update_stack(StackName="app", TemplateBody=template(Name="moon", Id="second"))

    assert outputs(cf, "app") == {"Said": "hello moon", "Id": "second"}
    create, update, replacing, cleanup = events(mock)
    assert (update["RequestType"], update["PhysicalResourceId"]) == ("Update", "first")
    assert update["OldResourceProperties"] == create["ResourceProperties"]
    assert update["OldResourceProperties"]["Count"] == "3"  # as strings, as the properties are
    assert update["ResourceProperties"]["Name"] == "moon"
    assert (replacing["RequestType"], replacing["PhysicalResourceId"]) == ("Update", "first")
    assert (cleanup["RequestType"], cleanup["PhysicalResourceId"]) == ("Delete", "first")
    assert cleanup["ResourceProperties"] == update["ResourceProperties"]
    # "OldResourceProperties: Used only for Update requests" (the custom resource request objects page).
    assert "OldResourceProperties" not in cleanup


def test_deleting_the_stack_deletes_the_resource_before_its_function(deploy: tuple[Any, Any]) -> None:
    cf, mock = deploy
    cf.create_stack(StackName="app", TemplateBody=template(Name="world"))
    cf.delete_stack(StackName="app")

    assert [(event["RequestType"], event.get("PhysicalResourceId")) for event in events(mock)] == [
        ("Create", None), ("Delete", "first")]
    assert boto3.client("lambda", region_name=REGION).list_functions()["Functions"] == []


def test_a_retained_resource_gets_no_delete(deploy: tuple[Any, Any]) -> None:
    # DeletionPolicy Retain: "CloudFormation keeps the resource without deleting the resource or its contents when
    # its stack is deleted" (the DeletionPolicy attribute page), so its function is sent no Delete.
    cf, mock = deploy
    body = json.loads(template(Name="world"))
    body["Resources"]["Greeting"]["DeletionPolicy"] = "Retain"
    cf.create_stack(StackName="app", TemplateBody=json.dumps(body))
    cf.delete_stack(StackName="app")
    assert [event["RequestType"] for event in events(mock)] == ["Create"]


def test_a_failed_answer_fails_the_stack_call_with_cloudformation_s_reason(deploy: tuple[Any, Any]) -> None:
    cf, mock = deploy
    with pytest.raises(ClientError) as failed:
        cf.create_stack(StackName="app", TemplateBody=template(Fail=True, Reason="no greeting today"))

    [create] = events(mock)
    assert failed.value.response["Error"]["Code"] == "ValidationError"
    assert failed.value.response["Error"]["Message"] == (
        f"Received response status [FAILED] from custom resource. Message returned: no greeting today "
        f"(RequestId: {create['RequestId']})")


def test_a_function_that_does_not_answer_fails_the_stack_call(deploy: tuple[Any, Any]) -> None:
    cf, mock = deploy
    with pytest.raises(ClientError) as failed:
        cf.create_stack(StackName="app", TemplateBody=template(Silent=True))

    [create] = events(mock)
    assert failed.value.response["Error"]["Message"] == (
        f"CloudFormation did not receive a response from your Custom Resource. Please check your logs for "
        f"requestId [{create['RequestId']}]. If you are using the Python cfn-response module, you may need to "
        f"update your Lambda function code so that CloudFormation can attach the updated version.")


def answer(**fields: Any) -> str:
    """An answer a provider PUTs as it is, with the request's own identifiers."""
    return json.dumps({"Status": "SUCCESS", "RequestId": "REQUEST", "LogicalResourceId": "Greeting", **fields})


def greeting_of(size: int) -> str:
    """The greeting that makes an answer of ``size`` bytes as the provider PUTs it."""
    sent = size - (36 - len("REQUEST"))  # the provider puts the request's 36-character id in
    return "x" * (sent - len(answer(PhysicalResourceId="edge", Data={"Greeting": ""})))


@pytest.mark.parametrize(("given", "reason"), [
    # "PhysicalResourceId ... The value must be a non-empty string ... Required: Yes" (the response objects page);
    # CloudFormation's reason as users quote it (aws-cloudformation/custom-resource-helper#67).
    (answer(), "Invalid PhysicalResourceId"),
    (answer(PhysicalResourceId=""), "Invalid PhysicalResourceId"),
    # "The total size of the response body can't exceed 4096 bytes"; the reason as users quote it
    # (aws-samples/amazon-cloudfront-secure-static-site#25).
    (answer(PhysicalResourceId="edge", Data={"Greeting": greeting_of(4097)}), "Response object is too long."),
], ids=["no-physical-id", "empty-physical-id", "4097-bytes"])
def test_an_answer_cloudformation_cannot_take_fails_the_stack_call(deploy: tuple[Any, Any], given: str,
                                                                  reason: str) -> None:
    cf, _ = deploy
    with pytest.raises(ClientError) as failed:
        cf.create_stack(StackName="app", TemplateBody=template(Answer=given))
    assert failed.value.response["Error"]["Message"] == reason


def test_an_answer_of_4096_bytes_is_taken(deploy: tuple[Any, Any]) -> None:
    cf, _ = deploy
    filler = greeting_of(4096)
    cf.create_stack(StackName="app", TemplateBody=template(Answer=answer(PhysicalResourceId="edge",
                                                                         Data={"Greeting": filler})))
    assert outputs(cf, "app") == {"Said": filler, "Id": "edge"}


def test_a_new_service_token_fails_the_update(deploy: tuple[Any, Any]) -> None:
    # CloudFormation refuses to move a custom resource to another provider (cloudcomponents/cdk-constructs#197).
    cf, mock = deploy
    cf.create_stack(StackName="app", TemplateBody=template(Name="world"))
    body = json.loads(template(Name="world"))
    body["Resources"]["Other"] = dict(body["Resources"]["Provider"])
    body["Resources"]["Greeting"]["Properties"]["ServiceToken"] = {"Fn::GetAtt": ["Other", "Arn"]}
    with pytest.raises(ClientError) as failed:
        cf.update_stack(StackName="app", TemplateBody=json.dumps(body))
    assert failed.value.response["Error"]["Message"] == "Modifying service token is not allowed."
    assert [event["RequestType"] for event in events(mock)] == ["Create"]


def test_a_function_lambdamock_cannot_run_leaves_the_resource_to_moto(deploy: tuple[Any, Any]) -> None:
    cf, _ = deploy
    body = json.loads(template(Name="world"))
    body["Resources"]["Provider"]["Properties"].update(Runtime="nodejs20.x", Code={"ZipFile": "exports.handler = 1"})
    del body["Outputs"]
    cf.create_stack(StackName="app", TemplateBody=json.dumps(body))

    # As moto alone leaves it: the resource waits for an answer that does not come.
    assert cf.describe_stacks(StackName="app")["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
    assert boto3.client("lambda", region_name=REGION).list_functions()["Functions"][0]["Runtime"] == "nodejs20.x"


def test_custom_resources_send_nothing_out_of_the_process(escapes: Proxy) -> None:
    with moto_aws(), mock_lambda():
        cf = boto3.client("cloudformation", region_name=REGION)
        cf.create_stack(StackName="app", TemplateBody=template(Name="world"))
        cf.delete_stack(StackName="app")
    assert escapes.attempts == []
