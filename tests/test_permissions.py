"""Resource policies through boto3: AddPermission, GetPolicy, RemovePermission and the resource-policy API.

Unless a comment says otherwise, shapes and texts are recorded in LocalStack's
tests/aws/services/lambda_/test_lambda_api.snapshot.json, TestLambdaPermissions (validated against AWS 2025-11-25).
"""

from __future__ import annotations

import json
import re

import pytest

from lambdamock.errors import NotServedError
from tests.conftest import ACCOUNT, REGION, function_arn
from tests.helpers import modeled, recorded_pattern

ARN = function_arn("f")
BUCKET = "arn:aws:s3:::test-bucket"
NOT_EXIST = "The resource you requested does not exist."
QUALIFIER_PATTERN = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+"
PRECONDITION = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetPolicy API to retrieve the latest Revision Id"
)


@pytest.fixture
def f(create_function, client):
    """Function f with version 1 and alias live -> 1."""
    create_function()
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    return "f"


def grant(client, sid="s3", principal="s3.amazonaws.com", **extra):
    response = client.add_permission(
        FunctionName=extra.pop("FunctionName", "f"), StatementId=sid, Action=extra.pop("Action", "lambda:InvokeFunction"),
        Principal=principal, **extra,
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    return response["Statement"]


def policy(client, **params):
    response = client.get_policy(FunctionName="f", **params)
    return json.loads(response["Policy"]), response["RevisionId"]


# -- the statements AWS writes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "extra", "expected"),
    [
        # test_add_lambda_permission_fields > add_permission_principal_service
        ("lambda.amazonaws.com", {"SourceAccount": ACCOUNT},
         '{"Sid":"s","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"lambda:InvokeFunction",'
         f'"Resource":"{ARN}","Condition":{{"StringEquals":{{"AWS:SourceAccount":"{ACCOUNT}"}}}}}}'),
        # > add_permission_principal_account (the snapshot masks "root")
        (ACCOUNT, {},
         '{"Sid":"s","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},'
         f'"Action":"lambda:InvokeFunction","Resource":"{ARN}"}}'),
        # > add_permission_principal_arn
        ("arn:aws:iam::123456789012:user/dev", {},
         '{"Sid":"s","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/dev"},'
         f'"Action":"lambda:InvokeFunction","Resource":"{ARN}"}}'),
        # > add_permission_principal_arn takes the caller's ARN (sts get_caller_identity), which is a role session's
        # where the caller assumed a role: IAM's "Role session principals" are valid in resource-based policies.
        # moto's STS gives "arn:aws:sts::<account>:user/moto".
        ("arn:aws:sts::123456789012:assumed-role/dev/session", {},
         '{"Sid":"s","Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/dev/session"},'
         f'"Action":"lambda:InvokeFunction","Resource":"{ARN}"}}'),
        # > add_permission_principal_wildcard
        ("*", {"SourceAccount": ACCOUNT},
         f'{{"Sid":"s","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{ARN}",'
         f'"Condition":{{"StringEquals":{{"AWS:SourceAccount":"{ACCOUNT}"}}}}}}'),
        # > add_permission_alexa_skill
        ("*", {"EventSourceToken": "amzn1.ask.skill.x-1"},
         f'{{"Sid":"s","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{ARN}",'
         '"Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.x-1"}}}'),
        # > add_permission_optional_fields: StringEquals before ArnLike, and AWS's key casing
        ("*", {"Action": "lambda:InvokeFunctionUrl", "SourceArn": BUCKET, "SourceAccount": ACCOUNT,
               "PrincipalOrgID": "o-1234567890", "FunctionUrlAuthType": "NONE"},
         f'{{"Sid":"s","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"{ARN}",'
         f'"Condition":{{"StringEquals":{{"AWS:SourceAccount":"{ACCOUNT}","lambda:FunctionUrlAuthType":"NONE",'
         f'"aws:PrincipalOrgID":"o-1234567890"}},"ArnLike":{{"AWS:SourceArn":"{BUCKET}"}}}}}}'),
    ],
    ids=["service", "account", "iam-arn", "role-session", "wildcard", "alexa", "every-condition"],
)
def test_add_permission_writes_aws_statement(client, f, given, extra, expected):
    # The string itself is compared: AWS's member order and compact JSON (AWS's published AddPermission example).
    assert grant(client, sid="s", principal=given, **extra) == expected
    document, _ = policy(client)
    assert document == {"Version": "2012-10-17", "Id": "default", "Statement": [json.loads(expected)]}


@modeled("AddPermission", "InvokedViaFunctionUrl")
def test_invoked_via_function_url_adds_a_bool_condition(client, f):
    # Not recorded: the condition AWS documents for InvokedViaFunctionUrl (October 2025).
    statement = json.loads(grant(client, principal="*", InvokedViaFunctionUrl=True))
    assert statement["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}


def test_policy_keeps_statements_in_order_with_a_new_revision_each_change(client, f):
    # test_create_multiple_lambda_permissions > policy_after_2_add; test_remove_multi_permissions
    grant(client, sid="logs", principal="logs.amazonaws.com")
    grant(client, sid="kinesis", principal="kinesis.amazonaws.com")
    document, revision = policy(client)
    assert [statement["Sid"] for statement in document["Statement"]] == ["logs", "kinesis"]
    assert list(document) == ["Version", "Id", "Statement"]
    assert policy(client)[1] == revision, "reading keeps it"
    client.remove_permission(FunctionName="f", StatementId="logs")
    document, after_removal = policy(client)
    assert [statement["Sid"] for statement in document["Statement"]] == ["kinesis"]
    assert after_removal != revision
    # The last statement goes with the policy: > get_policy_exception_removed_all
    response = client.remove_permission(FunctionName="f", StatementId="kinesis", RevisionId=after_removal)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(client.exceptions.ResourceNotFoundException, match=NOT_EXIST):
        client.get_policy(FunctionName="f")


def test_a_policy_change_is_a_change_of_what_it_guards(client, f):
    # TestLambdaRevisions::test_function_revisions_permissions (validated against AWS 2024-04-10): AddPermission
    # takes the function's RevisionId before there is a policy, and the function then has the policy's;
    # RemovePermission gives it a new one.
    def revision_of(**qualified):
        return client.get_function(FunctionName="f", **qualified)["Configuration"]["RevisionId"]

    active = revision_of()
    grant(client, RevisionId=active)
    added = policy(client)[1]
    assert added != active and revision_of() == added
    client.remove_permission(FunctionName="f", StatementId="s3", RevisionId=added)
    assert revision_of() not in (active, added)
    # test_lambda_permission_revisions (recorded 2022): a version's policy moves that version's RevisionId
    # alone (get_function_fn9 kept, get_function_fn9_v1 is get_policy_v1_after_add_permission9).
    latest, version = revision_of(), revision_of(Qualifier="1")
    grant(client, FunctionName="f:1", Qualifier="1", RevisionId=version)
    assert revision_of() == latest and revision_of(Qualifier="1") == policy(client, Qualifier="1")[1] != version
    # Not recorded: an alias's, likewise.
    alias = client.get_alias(FunctionName="f", Name="live")["RevisionId"]
    grant(client, FunctionName="f:live", Qualifier="live", RevisionId=alias)
    assert client.get_alias(FunctionName="f", Name="live")["RevisionId"] == policy(client, Qualifier="live")[1] != alias
    # A change of the function that is not one of its policy leaves the policy's RevisionId, which AddPermission
    # then goes by (test_lambda_permission_fn_versioning: get_policy_after_publishing_latest, get_policy_after_adding_2).
    grant(client, sid="again")
    kept = policy(client)[1]
    client.update_function_configuration(FunctionName="f", Description="changed")
    assert revision_of() != kept and policy(client)[1] == kept
    grant(client, sid="third", RevisionId=kept)


def test_each_qualifier_has_its_own_policy(client, f, make_zip):
    # test_lambda_permission_fn_versioning: the same Sid on the function, a version and an alias.
    grant(client, SourceArn=BUCKET)
    unqualified, revision = policy(client)
    client.update_function_code(FunctionName="f", ZipFile=make_zip({"index.py": "def handler(e, c):\n    return 2\n"}))
    assert client.publish_version(FunctionName="f")["Version"] == "2"
    # Publishing copies no policy (> get_policy_after_publishing_new_version) and leaves the function's alone.
    with pytest.raises(client.exceptions.ResourceNotFoundException, match=NOT_EXIST):
        client.get_policy(FunctionName="f", Qualifier="2")
    assert policy(client) == (unqualified, revision)

    grant(client, FunctionName="f:2", Qualifier="2", SourceArn=BUCKET)
    alias_revision = client.get_alias(FunctionName="f", Name="live")["RevisionId"]
    # Before the alias has a policy, its own RevisionId is the one to match (> add_permission with
    # create_alias_response's RevisionId).
    grant(client, FunctionName="f:live", Qualifier="live", SourceArn=BUCKET, RevisionId=alias_revision)
    assert [s["Resource"] for s in policy(client, Qualifier="2")[0]["Statement"]] == [f"{ARN}:2"]
    assert [s["Resource"] for s in policy(client, Qualifier="live")[0]["Statement"]] == [f"{ARN}:live"]
    assert policy(client, Qualifier="live")[1] != alias_revision
    assert policy(client) == (unqualified, revision), "> get_policy_after_adding_to_new_version"
    # The ARN of a version names its policy too.
    assert client.get_policy(FunctionName=f"{ARN}:2")["Policy"] == client.get_policy(FunctionName="f", Qualifier="2")["Policy"]

    grant(client, sid="s3_2", SourceArn=BUCKET, RevisionId=revision)
    assert [s["Sid"] for s in policy(client)[0]["Statement"]] == ["s3", "s3_2"]


def test_a_stale_revision_is_refused(client, f, aws_error):
    grant(client)
    _, revision = policy(client)
    # > add_permission_alias_revision_exception (there: on an alias)
    with aws_error(client, "PreconditionFailedException", PRECONDITION):
        grant(client, sid="other", RevisionId="wrong")
    with aws_error(client, "PreconditionFailedException", PRECONDITION):
        grant(client, sid="other", FunctionName="f:live", RevisionId="wrong")
    # Not recorded for RemovePermission since 2022: the same text as AddPermission's, as the model documents.
    with aws_error(client, "PreconditionFailedException", PRECONDITION):
        client.remove_permission(FunctionName="f", StatementId="s3", RevisionId="wrong")
    client.remove_permission(FunctionName="f", StatementId="s3", RevisionId=revision)


def test_deleting_a_function_or_alias_deletes_its_policy(client, f, create_function):
    grant(client)
    grant(client, FunctionName="f:live")
    client.delete_alias(FunctionName="f", Name="live")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    with pytest.raises(client.exceptions.ResourceNotFoundException, match=NOT_EXIST):
        client.get_policy(FunctionName="f", Qualifier="live")
    client.delete_function(FunctionName="f")
    create_function()
    with pytest.raises(client.exceptions.ResourceNotFoundException, match=NOT_EXIST):
        client.get_policy(FunctionName="f")


def _arn(qualifier: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f:{qualifier}"


@pytest.mark.parametrize(
    ("call", "params", "code", "message"),
    [
        # test_permission_exceptions > add_permission_invalid_statement_id
        ("add_permission", {"StatementId": "example.com"}, "ValidationException",
         "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: "
         "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)"),
        # > add_permission_fn_qualifier_mismatch (checked before the alias is looked for)
        ("add_permission", {"FunctionName": "f:alias-not-42", "Qualifier": "42"}, "InvalidParameterValueException",
         "The derived qualifier from the function name does not match the specified qualifier."),
        # > add_permission_fn_qualifier_latest
        ("add_permission", {"FunctionName": "f:$LATEST", "Qualifier": "$LATEST"}, "InvalidParameterValueException",
         "We currently do not support adding policies for $LATEST."),
        # > add_permission_principal_invalid
        ("add_permission", {"Principal": "invalid.nonaws.com", "SourceAccount": ACCOUNT},
         "InvalidParameterValueException",
         "The provided principal was invalid. Please check the principal and try again."),
        # Not recorded: an IAM ARN missing a colon, in AWS's text as aws/aws-sdk#388 quotes it.
        ("add_permission", {"Principal": "arn:aws:iam:000000000000:role/xxxx"}, "InvalidParameterValueException",
         "The provided input'arn:aws:iam:000000000000:role/xxxx'was invalid. Member must satisfy expression: "
         "[\\w+=,.@-]* Please check your input and try again."),
        # > add_permission_fn_doesnotexist
        ("add_permission", {"FunctionName": "doesnotexist"}, "ResourceNotFoundException",
         f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:doesnotexist"),
        # > add_permission_fn_alias_doesnotexist
        ("add_permission", {"FunctionName": "f:alias-doesnotexist"}, "ResourceNotFoundException",
         f"Cannot find alias arn: {_arn('alias-doesnotexist')}"),
        # > add_permission_fn_version_doesnotexist
        ("add_permission", {"Qualifier": "42"}, "ResourceNotFoundException", f"Function not found: {_arn('42')}"),
        # > add_permission_fn_qualifier_invalid
        pytest.param(
            "add_permission", {"Qualifier": "invalid-qualifier-with-?-char"}, "ValidationException",
            "1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}",
            marks=recorded_pattern("AddPermission", "Qualifier", QUALIFIER_PATTERN),
        ),
        # > add_permission_fn_qualifier_valid_doesnotexist
        ("add_permission", {"Qualifier": "valid-with-$-but-doesnotexist"}, "ResourceNotFoundException",
         f"Function not found: {_arn('valid-with-$-but-doesnotexist')}"),
        # > add_permission_conflicting_statement_id
        ("add_permission", {"StatementId": "s3"}, "ResourceConflictException",
         "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing "
         "statement."),
        # Not recorded: AWS's text as its users quote it (RJPearson94/terraform-aws-open-next#73).
        ("add_permission", {"FunctionUrlAuthType": "NONE", "Principal": "*"}, "InvalidParameterValueException",
         "FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action"),
        # > get_policy_fn_doesnotexist, > get_policy_fn_version_doesnotexist
        ("get_policy", {"FunctionName": "doesnotexist"}, "ResourceNotFoundException", NOT_EXIST),
        ("get_policy", {"Qualifier": "77"}, "ResourceNotFoundException", NOT_EXIST),
        # > get_policy_after_publishing_new_version: the version exists, its policy does not
        ("get_policy", {"Qualifier": "1"}, "ResourceNotFoundException", NOT_EXIST),
        # > remove_permission_policy_doesnotexist
        ("remove_permission", {"Qualifier": "1"}, "ResourceNotFoundException",
         "No policy is associated with the given resource."),
        # > remove_permission_fn_doesnotexist
        ("remove_permission", {"FunctionName": "doesnotexist"}, "ResourceNotFoundException",
         f"No policy found for: arn:aws:lambda:{REGION}:{ACCOUNT}:function:doesnotexist"),
        # > remove_permission_fn_alias_doesnotexist
        ("remove_permission", {"Qualifier": "alias-doesnotexist"}, "ResourceNotFoundException",
         f"Cannot find alias arn: {_arn('alias-doesnotexist')}"),
        # test_remove_multi_permissions > remove_permission_exception_nonexisting_sid
        ("remove_permission", {"StatementId": "non-existent"}, "ResourceNotFoundException",
         "Statement non-existent is not found in resource policy."),
    ],
)
def test_errors(client, f, aws_error, call, params, code, message):
    grant(client, SourceArn=BUCKET)  # the function's policy has statement s3
    defaults = {
        "add_permission": {"FunctionName": "f", "StatementId": "other", "Action": "lambda:InvokeFunction",
                           "Principal": "s3.amazonaws.com", "SourceArn": BUCKET},
        "get_policy": {"FunctionName": "f"},
        "remove_permission": {"FunctionName": "f", "StatementId": "s3"},
    }[call]
    with aws_error(client, code, message, typed=code != "ValidationException"):
        getattr(client, call)(**{**defaults, **params})


def test_a_policy_is_limited_to_20_kb(client, f, aws_error):
    # Not in LocalStack's recordings: AWS's text as AWS answered it in public reports
    # (e.g. github.com/adobe/helix-deploy/issues/24, github.com/SeanRoy/lambda-maven-plugin/issues/42).
    long_arn = "arn:aws:s3:::" + "b" * 9000
    grant(client, sid="one", SourceArn=long_arn)
    grant(client, sid="two", SourceArn=long_arn)
    before = len(client.get_policy(FunctionName="f")["Policy"])
    text = re.compile(r"The final policy size \((\d+)\) is bigger than the limit \(20480\)\.")
    with aws_error(client, "PolicyLengthExceededException", text) as info:
        grant(client, sid="three", SourceArn=long_arn)
    size = int(text.fullmatch(info.response["Error"]["Message"]).group(1))
    assert before < 20480 < size


# -- the resource-policy API: whole documents, in the store AddPermission writes to -------------------------

DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                   "Action": "lambda:InvokeFunction", "Resource": ARN}],
}


@modeled("PutResourcePolicy")
def test_put_replaces_what_add_permission_wrote_and_add_permission_extends_it(client, f):
    grant(client)
    put = client.put_resource_policy(ResourceArn=ARN, Policy=json.dumps(DOCUMENT))
    assert json.loads(put["Policy"]) == DOCUMENT
    document, revision = policy(client)
    assert document == DOCUMENT and revision == put["RevisionId"]
    assert client.get_resource_policy(ResourceArn=ARN)["Policy"] == client.get_policy(FunctionName="f")["Policy"]
    grant(client, RevisionId=revision)
    assert [s["Sid"] for s in policy(client)[0]["Statement"]] == ["sns", "s3"]
    deleted = client.delete_resource_policy(ResourceArn=ARN, RevisionId=policy(client)[1])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(client.exceptions.ResourceNotFoundException, match=NOT_EXIST):
        client.get_resource_policy(ResourceArn=ARN)


@modeled("PutResourcePolicy")
def test_put_on_a_version_or_alias_arn(client, f):
    client.put_resource_policy(ResourceArn=f"{ARN}:live", Policy=json.dumps(DOCUMENT))
    assert json.loads(client.get_policy(FunctionName="f", Qualifier="live")["Policy"]) == DOCUMENT
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_policy(FunctionName="f")


# Not recorded (AWS released this API in 2026): lambdamock answers with its AddPermission and GetPolicy
# counterparts' texts, and its own words for a document that is no policy.
@pytest.mark.parametrize(
    ("call", "params", "code", "message"),
    [
        ("put_resource_policy", {"Policy": "not json"}, "InvalidParameterValueException",
         "The provided policy document is invalid. Please check the policy and try again."),
        ("put_resource_policy", {"Policy": json.dumps({"Statement": [{"Effect": "Allow"}]})},
         "InvalidParameterValueException",
         "The provided policy document is invalid. Please check the policy and try again."),
        ("put_resource_policy", {"ResourceArn": f"{ARN}:$LATEST"}, "InvalidParameterValueException",
         "We currently do not support adding policies for $LATEST."),
        ("put_resource_policy", {"RevisionId": "00000000-0000-0000-0000-000000000000"},
         "PreconditionFailedException", PRECONDITION),
        ("put_resource_policy", {"ResourceArn": function_arn("nope")}, "ResourceNotFoundException",
         f"Function not found: {function_arn('nope')}"),
        ("get_resource_policy", {"ResourceArn": f"{ARN}:live"}, "ResourceNotFoundException", NOT_EXIST),
        ("delete_resource_policy", {"ResourceArn": f"{ARN}:1"}, "ResourceNotFoundException",
         "No policy is associated with the given resource."),
        ("delete_resource_policy", {"RevisionId": "00000000-0000-0000-0000-000000000000"},
         "PreconditionFailedException", PRECONDITION),
    ],
)
@modeled("PutResourcePolicy")
def test_resource_policy_errors(client, f, aws_error, call, params, code, message):
    grant(client)
    defaults = {"ResourceArn": ARN, **({"Policy": json.dumps(DOCUMENT)} if call == "put_resource_policy" else {})}
    with aws_error(client, code, message):
        getattr(client, call)(**{**defaults, **params})


@modeled("PutResourcePolicy")
@pytest.mark.lambda_mock(allow_unserved=True)
def test_runtime_policies_are_not_served(client):
    with pytest.raises(NotServedError, match="runtimes"):
        client.get_resource_policy(ResourceArn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:runtime/python3.12/version/1")
