"""While moto simulates IAM (its opt-in enable_iam_authentication), Lambda's calls are authorized as AWS does.

Texts as AWS users report them: an explicit deny (cloud-custodian#4736, nficano/python-lambda#715), no
policy allowing the action (awslabs/aws-deployment-framework#460); UnrecognizedClientException and
InvalidSignatureException are the front end's answers to an unknown key and a wrong secret.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import boto3
import pytest

from lambdamock import package
from tests.helpers import ROLE, moto_aws

pytest.importorskip("moto")

ECHO = "def handler(event, context):\n    return event\n"


@pytest.fixture
def iam_enforced(lambda_mock) -> Iterator[Any]:
    """An IAM client of moto's; Lambda's calls made after setup (functions a and b exist) are authorized."""
    from moto.core.authorization import enable_iam_authentication

    with moto_aws():
        lambda_ = boto3.client("lambda", region_name="us-east-1")
        for name in ("a", "b"):
            lambda_.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                    Code={"ZipFile": package({"app.py": ECHO})})
        iam = boto3.client("iam", region_name="us-east-1")
        with enable_iam_authentication():
            yield iam


def user_with(iam: Any, name: str, *statements: dict[str, Any], secret: str = "") -> Any:
    """A Lambda client signing as a new user of moto's IAM whose inline policy has ``statements``."""
    from moto.core.authorization import ActionAuthenticatorMixin

    ActionAuthenticatorMixin.request_count = -3  # as moto counts calls: the next three (these) pass unchecked
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.client("lambda", region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=secret or key["SecretAccessKey"])


def refused(call: Any) -> dict[str, Any]:
    with pytest.raises(Exception) as error:
        call()
    response: dict[str, Any] = error.value.response  # type: ignore[attr-defined]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return response["Error"]


def test_a_policy_allowing_one_function_invokes_it_and_no_other(iam_enforced):
    arn = "arn:aws:lambda:us-east-1:123456789012:function:a"
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn})
    assert json.loads(client.invoke(FunctionName="a", Payload=b'{"x": 1}')["Payload"].read()) == {"x": 1}
    assert refused(lambda: client.invoke(FunctionName="b")) == {
        "Code": "AccessDeniedException",
        "Message": "User: arn:aws:iam::123456789012:user/u is not authorized to perform: lambda:InvokeFunction on "
                   "resource: arn:aws:lambda:us-east-1:123456789012:function:b because no identity-based policy "
                   "allows the lambda:InvokeFunction action"}
    assert refused(lambda: client.list_functions())["Code"] == "AccessDeniedException"


def test_an_explicit_deny_wins_and_changes_nothing(iam_enforced):
    client = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                       {"Effect": "Deny", "Action": "lambda:DeleteFunction", "Resource": "*"})
    assert refused(lambda: client.delete_function(FunctionName="a"))["Message"] == (
        "User: arn:aws:iam::123456789012:user/u is not authorized to perform: lambda:DeleteFunction on resource: "
        "arn:aws:lambda:us-east-1:123456789012:function:a with an explicit deny in an identity-based policy")
    assert [entry["FunctionName"] for entry in client.list_functions()["Functions"]] == ["a", "b"]
    # As moto's own Lambda test (test_lambda_request_unauthorized_user): the name is not even looked at.
    denying = user_with(iam_enforced, "v", {"Effect": "Deny", "Action": "lambda:*", "Resource": "*"})
    assert "not authorized to perform: lambda:Invoke" in refused(
        lambda: denying.invoke(FunctionName="n/a", Payload="{}"))["Message"]


def test_an_unknown_key_or_a_wrong_secret_is_refused(iam_enforced):
    unknown = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="AKIAUNKNOWN0000000000",
                           aws_secret_access_key="secret")
    assert refused(lambda: unknown.list_functions()) == {
        "Code": "UnrecognizedClientException", "Message": "The security token included in the request is invalid."}
    wrong = user_with(iam_enforced, "u", {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}, secret="wrong")
    assert refused(lambda: wrong.list_functions())["Code"] == "InvalidSignatureException"
