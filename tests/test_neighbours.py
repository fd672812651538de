"""A function's role and network as AWS checks them, where moto's IAM and EC2 hold them.

Texts (no snapshot records them): "Cross-account pass role is not allowed." is AWS's 403
AccessDeniedException as users quote it from real AWS (e.g. for EventBridge Scheduler and EKS calls that
reached AWS by mistake) and as moto's Lambda gives it; "The role defined for the function cannot be assumed
by Lambda." is the InvalidParameterValueException (Type User) of LocalStack's Lambda provider and of moto.
VpcId: LocalStack's test_lambda_api.snapshot.json, TestLambdaFunction::test_vpc_config.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import boto3
import pytest
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, TRUST, moto_role

CODE = {"ZipFile": package({"app.py": "def handler(event, context):\n    return event\n"})}
UNASSUMABLE = "The role defined for the function cannot be assumed by Lambda."


@pytest.fixture
def moto() -> Iterator[Any]:
    with mock_aws(), mock_lambda():
        yield boto3.client("lambda", region_name="us-east-1")


def create(client: Any, role: str, **extra: Any) -> dict[str, Any]:
    return client.create_function(FunctionName="f", Runtime="python3.12", Role=role, Handler="app.handler",
                                  Code=CODE, **extra)


def refused(client: Any, role: str) -> tuple[str, str, int]:
    with pytest.raises(client.exceptions.ClientError) as error:
        create(client, role)
    response = error.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_role_moto_does_not_hold_cannot_be_assumed(moto: Any) -> None:
    assert refused(moto, ROLE) == ("InvalidParameterValueException", UNASSUMABLE, 400)
    assert moto.list_functions()["Functions"] == []


def test_a_role_of_another_account_is_refused(moto: Any) -> None:
    assert refused(moto, "arn:aws:iam::210987654321:role/lambda-role") == (
        "AccessDeniedException", "Cross-account pass role is not allowed.", 403)


def test_a_role_that_does_not_trust_lambda_cannot_be_assumed(moto: Any) -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    ec2_only = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    arn = iam.create_role(RoleName="for-ec2", AssumeRolePolicyDocument=ec2_only)["Role"]["Arn"]
    assert refused(moto, arn) == ("InvalidParameterValueException", UNASSUMABLE, 400)


@pytest.mark.parametrize("trust", [TRUST, "{}", "some policy"], ids=["lambda", "empty", "not-json"])
def test_a_role_that_trusts_lambda_or_that_iam_would_refuse_is_taken(moto: Any, trust: str) -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    arn = iam.create_role(RoleName="fn", Path="/service/", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    assert create(moto, arn)["Role"] == arn


def _trust(action: Any, principal: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": action}]})


@pytest.mark.parametrize("trust", [
    _trust("sts:*", {"Service": "lambda.amazonaws.com"}),
    _trust(["sts:TagSession", "sts:AssumeRole"], {"Service": "lambda.amazonaws.com"}),
    _trust("sts:AssumeRole", {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}),
    _trust("sts:AssumeRole", "*"),
], ids=["action-wildcard", "action-list", "service-list", "anyone"])
def test_a_trust_policy_is_read_as_iam_reads_its_lists_and_wildcards(moto: Any, trust: str) -> None:
    # IAM's JSON policy element reference: Action takes a list and the * wildcard ("sts:*" is every STS action);
    # Principal takes a list of services, and "*" for everyone.
    iam = boto3.client("iam", region_name="us-east-1")
    arn = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    assert create(moto, arn)["Role"] == arn


def test_a_mock_given_no_account_is_in_moto_s_account(monkeypatch: pytest.MonkeyPatch) -> None:
    """With MOTO_ACCOUNT_ID set, moto's IAM makes roles in that account: the function is in it too, as one AWS account."""
    mock = mock_lambda()  # as a decorator makes it, before the variable is set
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "383735328703")
    with mock_aws(), mock:
        arn = boto3.client("iam", region_name="us-east-1").create_role(
            RoleName="fn", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        created = create(boto3.client("lambda", region_name="us-east-1"), arn)
        assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:383735328703:function:f"
        assert mock.account_id == "383735328703"
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    assert mock.account_id == "383735328703"  # the stopped mock's, as its records show


def test_an_account_given_to_the_mock_is_kept_whatever_moto_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "383735328703")
    with mock_aws(), mock_lambda(account_id="111122223333") as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        assert refused(client, "arn:aws:iam::383735328703:role/fn") == (
            "AccessDeniedException", "Cross-account pass role is not allowed.", 403)
        assert mock.account_id == "111122223333"


@pytest.mark.parametrize("region", ["cn-northwest-1", "us-gov-west-1"])
def test_a_role_of_another_partition_is_found_in_that_partition_s_iam(region: str) -> None:
    with mock_aws(), mock_lambda():
        iam = boto3.client("iam", region_name=region)
        arn = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        client = boto3.client("lambda", region_name=region)
        assert create(client, arn)["Role"] == arn


def test_an_update_to_an_unknown_role_is_refused_and_changes_nothing(moto: Any) -> None:
    create(moto, moto_role())
    with pytest.raises(moto.exceptions.InvalidParameterValueException):
        moto.update_function_configuration(FunctionName="f", Role="arn:aws:iam::123456789012:role/missing")
    assert moto.get_function_configuration(FunctionName="f")["Role"] == ROLE


def test_without_moto_any_role_is_taken(lambda_mock: Any) -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    assert create(client, "arn:aws:iam::210987654321:role/elsewhere")["Role"].endswith("role/elsewhere")


def test_the_vpc_is_the_subnets_in_moto_s_ec2(moto: Any) -> None:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    created = create(moto, moto_role(), VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": ["sg-1"]})
    assert created["VpcConfig"] == {"Ipv6AllowedForDualStack": False, "SubnetIds": [subnet],
                                    "SecurityGroupIds": ["sg-1"], "VpcId": vpc}


def test_an_unknown_subnet_gets_a_stable_vpc_and_no_subnet_none(lambda_mock: Any) -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    first = create(client, ROLE, VpcConfig={"SubnetIds": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]})
    vpc = first["VpcConfig"]["VpcId"]
    assert vpc.startswith("vpc-") and len(vpc) == 21
    again = client.update_function_configuration(FunctionName="f", VpcConfig={"SubnetIds": ["subnet-2", "subnet-1"],
                                                                              "SecurityGroupIds": ["sg-1"]})
    assert again["VpcConfig"]["VpcId"] == vpc
    cleared = client.update_function_configuration(FunctionName="f", VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})
    assert cleared["VpcConfig"]["VpcId"] == ""
