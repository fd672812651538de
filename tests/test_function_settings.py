"""VPC, file system, environment and tracing settings through boto3: refused as AWS words it, read back as shown."""

from __future__ import annotations

import pytest

from tests.helpers import MODEL


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
