"""Code signing configs and layer version permissions of stacks deployed with moto's CloudFormation, made in lambdamock.

AWS::Lambda::CodeSigningConfig: its Ref and GetAtt CodeSigningConfigArn are its ARN, GetAtt CodeSigningConfigId its
id (recorded: LocalStack's tests/aws/services/cloudformation/resources/test_lambda.snapshot.json,
test_lambda_code_signing_config); every property updates it in place. AWS::Lambda::LayerVersionPermission: its Ref
is the layer version's ARN and the statement ID joined by "#", and any change replaces it (CloudFormation's
resource reference).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, moto_aws

pytest.importorskip("moto.cloudformation")
REGION = "us-east-1"
SIGNER = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/test"


def template(description: str = "Code Signing", principal: str = "*", **signing: Any) -> str:
    return json.dumps({
        "Resources": {
            "Signing": {"Type": "AWS::Lambda::CodeSigningConfig", "Properties": {
                "Description": description, "AllowedPublishers": {"SigningProfileVersionArns": [SIGNER]},
                "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"}, **signing}},
            "Library": {"Type": "AWS::Lambda::LayerVersion", "Properties": {
                "LayerName": "library", "Content": {"S3Bucket": "layers", "S3Key": "library.zip"}}},
            "Sharing": {"Type": "AWS::Lambda::LayerVersionPermission", "Properties": {
                "Action": "lambda:GetLayerVersion", "LayerVersionArn": {"Ref": "Library"}, "Principal": principal}},
        },
        "Outputs": {"Ref": {"Value": {"Ref": "Signing"}}, "Arn": {"Value": {"Fn::GetAtt": ["Signing", "CodeSigningConfigArn"]}},
                    "Id": {"Value": {"Fn::GetAtt": ["Signing", "CodeSigningConfigId"]}},
                    "Sharing": {"Value": {"Ref": "Sharing"}}},
    })


@pytest.fixture
def clients() -> Iterator[tuple[Any, Any]]:
    with moto_aws(), mock_lambda():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="layers")
        s3.put_object(Bucket="layers", Key="library.zip", Body=package({"python/library.py": "X = 1\n"}))
        yield boto3.client("cloudformation", region_name=REGION), boto3.client("lambda", region_name=REGION)


def outputs(cf: Any) -> dict[str, str]:
    return {out["OutputKey"]: out["OutputValue"] for out in cf.describe_stacks(StackName="app")["Stacks"][0]["Outputs"]}


def statements(lam: Any) -> list[dict[str, Any]]:
    return json.loads(lam.get_layer_version_policy(LayerName="library", VersionNumber=1)["Policy"])["Statement"]


def test_a_stack_s_code_signing_config_is_lambdamock_s(clients: tuple[Any, Any]) -> None:
    cf, lam = clients
    cf.create_stack(StackName="app", TemplateBody=template())

    made = outputs(cf)
    config = lam.get_code_signing_config(CodeSigningConfigArn=made["Arn"])["CodeSigningConfig"]
    assert made["Ref"] == made["Arn"] == config["CodeSigningConfigArn"]
    assert made["Id"] == config["CodeSigningConfigId"]
    assert config["Description"] == "Code Signing"
    assert config["AllowedPublishers"] == {"SigningProfileVersionArns": [SIGNER]}
    assert config["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Enforce"}
    [resource] = [r for r in cf.describe_stack_resources(StackName="app")["StackResources"]
                  if r["LogicalResourceId"] == "Signing"]
    assert resource["PhysicalResourceId"] == made["Arn"]


def test_a_code_signing_config_is_updated_in_place_and_goes_with_the_stack(clients: tuple[Any, Any]) -> None:
    cf, lam = clients
    cf.create_stack(StackName="app", TemplateBody=template())
    arn = outputs(cf)["Arn"]

    cf.update_stack(StackName="app", TemplateBody=template("second", Tags=[{"Key": "team", "Value": "a"}]))
    assert outputs(cf)["Arn"] == arn
    assert lam.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"]["Description"] == "second"
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "a"}

    cf.delete_stack(StackName="app")
    assert lam.list_code_signing_configs()["CodeSigningConfigs"] == []


def test_a_code_signing_setting_taken_out_of_the_template_goes_back_to_lambdas_default(
        clients: tuple[Any, Any]) -> None:
    # Without CodeSigningPolicies a config warns (botocore's service model, UntrustedArtifactOnDeployment:
    # "Default value: Warn"); without a description it has none.
    cf, lam = clients
    cf.create_stack(StackName="app", TemplateBody=template())
    arn = outputs(cf)["Arn"]
    body = json.loads(template())
    for setting in ("Description", "CodeSigningPolicies"):
        del body["Resources"]["Signing"]["Properties"][setting]
    cf.update_stack(StackName="app", TemplateBody=json.dumps(body))
    config = lam.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"]
    assert config["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}
    assert not config.get("Description")


def test_a_layer_version_permission_is_added_replaced_and_removed(clients: tuple[Any, Any]) -> None:
    cf, lam = clients
    cf.create_stack(StackName="app", TemplateBody=template())

    layer_version, statement = outputs(cf)["Sharing"].split("#")
    assert layer_version == "arn:aws:lambda:us-east-1:123456789012:layer:library:1"
    assert [(s["Sid"], s["Principal"]) for s in statements(lam)] == [(statement, "*")]
    assert statement.startswith("app-Sharing-")

    cf.update_stack(StackName="app", TemplateBody=template(principal="210987654321"))
    replaced = outputs(cf)["Sharing"].split("#")[1]
    assert replaced != statement
    assert [(s["Sid"], s["Principal"]) for s in statements(lam)] == [
        (replaced, {"AWS": "arn:aws:iam::210987654321:root"})]

    cf.delete_stack(StackName="app")
    assert lam.list_layers()["Layers"] == []


def test_a_layer_version_permission_with_a_long_logical_id_gets_a_statement_id_lambda_takes(
        clients: tuple[Any, Any]) -> None:
    # AddLayerVersionPermission takes a StatementId of 100 characters at most (botocore's service model); the one
    # CloudFormation gives is cut to fit, as docs/moto.md says (the stack's name, the logical id, a random suffix).
    cf, lam = clients
    body = json.loads(template())
    body["Resources"]["Sharing" + "Library" * 14] = body["Resources"].pop("Sharing")
    body["Outputs"]["Sharing"] = {"Value": {"Ref": "Sharing" + "Library" * 14}}
    cf.create_stack(StackName="app", TemplateBody=json.dumps(body))
    statement = outputs(cf)["Sharing"].split("#")[1]
    assert len(statement) == 100 and statement.startswith("app-SharingLibrary")
    assert [s["Sid"] for s in statements(lam)] == [statement]


def test_a_function_s_code_signing_config_is_attached_and_detached_in_place(clients: tuple[Any, Any]) -> None:
    # AWS::Lambda::Function's createOnlyProperties are FunctionName, PackageType and TenancyConfig (its resource
    # schema, as LocalStack keeps it: services/lambda_/resource_providers/generated/aws_lambda_function.schema.json),
    # so a CodeSigningConfigArn added, changed or taken out updates the function in place.
    cf, lam = clients

    def stack(signed: bool) -> str:
        body = json.loads(template())
        body["Resources"]["Fn"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": "signed", "Runtime": "python3.12", "Handler": "index.handler", "Role": ROLE,
            "Code": {"ZipFile": "def handler(event, context):\n    return 1\n"},
            **({"CodeSigningConfigArn": {"Ref": "Signing"}} if signed else {})}}
        return json.dumps(body)

    cf.create_stack(StackName="app", TemplateBody=stack(False))
    cf.update_stack(StackName="app", TemplateBody=stack(True))
    assert lam.get_function_code_signing_config(FunctionName="signed").get("CodeSigningConfigArn") == outputs(cf)["Arn"]
    cf.update_stack(StackName="app", TemplateBody=stack(False))
    assert not lam.get_function_code_signing_config(FunctionName="signed").get("CodeSigningConfigArn")
