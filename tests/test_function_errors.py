"""Missing functions and versions, foreign references, bad qualifiers and preconditions: AWS's error, status, text."""

from __future__ import annotations

import pytest

from lambdamock import package
from tests.helpers import validation

OTHER_REGION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:f"
OTHER_REGION = "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"
MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."
PRECONDITION = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)


# -- Missing functions and versions -----------------------------------------------------------------

NAMED_OPERATIONS = [
    ("get_function", {}),
    ("get_function_configuration", {}),
    ("delete_function", {}),
    ("update_function_configuration", {"Timeout": 5}),
    ("update_function_code", {"ZipFile": package({"index.py": ""})}),
    ("publish_version", {}),
    ("list_versions_by_function", {}),
]
# DeleteFunction names the unqualified ARN even when given a version (or "$latest") of a missing function.
MISSING_FUNCTION = [*NAMED_OPERATIONS, ("delete_function", {"Qualifier": "1"}), ("delete_function", {"Qualifier": "$latest"})]


@pytest.mark.parametrize("operation, params", MISSING_FUNCTION)
def test_missing_function(client, create_function, aws_error, arn, operation, params):
    create_function("other")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('f')}"):
        getattr(client, operation)(FunctionName="f", **params)


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
@pytest.mark.parametrize(
    "reference, qualifier, shown",
    [("f", "1", "1"), ("f:1", None, "1"), ("f", "$latest", "$latest"), ("f", "$LATEST", "$LATEST")],
)
def test_missing_function_with_qualifier(client, aws_error, arn, operation, reference, qualifier, shown):
    extra = {"Qualifier": qualifier} if qualifier else {}
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('f', shown)}"):
        getattr(client, operation)(FunctionName=reference, **extra)


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration"])
@pytest.mark.parametrize("qualifier", ["1221", "aliasdoesnotexist"])
def test_missing_version(client, create_function, aws_error, arn, operation, qualifier):
    create_function("f", Publish=True)
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('f', qualifier)}"):
        getattr(client, operation)(FunctionName="f", Qualifier=qualifier)
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('f', qualifier)}"):
        getattr(client, operation)(FunctionName=arn("f", qualifier))


def test_deleting_a_missing_version_succeeds(client, create_function):
    create_function("f", Publish=True)
    for _ in range(2):
        assert client.delete_function(FunctionName="f", Qualifier="1233")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [entry["Version"] for entry in client.list_versions_by_function(FunctionName="f")["Versions"]] == [
        "$LATEST",
        "1",
    ]


# -- Name forms: other region, other account, qualifier mismatch -----------------------------------


@pytest.mark.parametrize("operation, params", NAMED_OPERATIONS)
def test_arn_of_another_region(client, create_function, aws_error, operation, params):
    create_function("f")
    with aws_error(client, "ResourceNotFoundException", OTHER_REGION):
        getattr(client, operation)(FunctionName=OTHER_REGION_ARN, **params)


def test_a_name_shaped_like_a_region_takes_a_qualifier(client, create_function):
    # "my-func-1:live" also reads as <region>:<name>, a form AWS does not document; it names an alias here.
    create_function("my-func-1")
    client.publish_version(FunctionName="my-func-1")
    client.create_alias(FunctionName="my-func-1", Name="live", FunctionVersion="1")
    assert client.get_function(FunctionName="my-func-1:live")["Configuration"]["Version"] == "1"
    assert client.invoke(FunctionName="my-func-1:live")["ExecutedVersion"] == "1"


def test_create_with_arn_of_another_region(client, create_function, aws_error):
    with aws_error(client, "ResourceNotFoundException", OTHER_REGION):
        create_function(OTHER_REGION_ARN)


@pytest.mark.parametrize("operation, params", [("create", {}), *NAMED_OPERATIONS])
@pytest.mark.parametrize(
    "reference", ["arn:aws:lambda:us-east-1:210987654321:function:f", "210987654321:function:f"]
)
def test_reference_in_another_account(client, create_function, aws_error, operation, params, reference):
    create_function("f")
    with aws_error(client, "AccessDeniedException", None) as info:
        if operation == "create":
            create_function(reference)
        else:
            getattr(client, operation)(FunctionName=reference, **params)
    # Recorded: LocalStack TestLambdaFunction::test_function_arns (function_arn_other_account_exc): a null message.
    assert info.response["Error"]["Message"] is None


@pytest.mark.parametrize("operation", ["get_function", "get_function_configuration", "delete_function"])
@pytest.mark.parametrize(
    "reference, qualifier",
    [
        ("f:1", "$LATEST"),
        ("f:1", "2"),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", "1"),
        ("123456789012:function:f:1", "alias"),
    ],
)
@pytest.mark.parametrize("exists", [True, False])
def test_qualifier_mismatch(client, create_function, aws_error, operation, reference, qualifier, exists):
    if exists:
        create_function("f", Publish=True)
    with aws_error(client, "InvalidParameterValueException", MISMATCH):
        getattr(client, operation)(FunctionName=reference, Qualifier=qualifier)


# -- DeleteFunction qualifiers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference, qualifier",
    [("f", "$LATEST"), ("f:$LATEST", None), ("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", "$LATEST")],
)
@pytest.mark.parametrize("exists", [True, False])
def test_delete_latest(client, create_function, aws_error, reference, qualifier, exists):
    if exists:
        create_function("f")
    extra = {"Qualifier": qualifier} if qualifier else {}
    with aws_error(client, "InvalidParameterValueException",
                   "$LATEST version cannot be deleted without deleting the function."):
        client.delete_function(FunctionName=reference, **extra)


@pytest.mark.parametrize("qualifier", ["live", "a" * 65])
@pytest.mark.parametrize("exists", [True, False])
def test_delete_alias_like_qualifier(client, create_function, aws_error, qualifier, exists):
    if exists:
        create_function("f", Publish=True)
    with aws_error(client, "InvalidParameterValueException", "Deletion of aliases is not currently supported."):
        client.delete_function(FunctionName="f", Qualifier=qualifier)


# -- Preconditions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation, params",
    [
        ("update_function_configuration", {"Timeout": 9}),
        ("update_function_code", {"ZipFile": package({"index.py": ""})}),
        ("update_function_code", {"ZipFile": package({"index.py": ""}), "Publish": True}),
        ("publish_version", {}),
    ],
)
def test_revision_id_mismatch(client, create_function, aws_error, operation, params):
    created = create_function("f")
    # The create response's revision is already stale: the function became Active since.
    for revision in ("wrong", created["RevisionId"]):
        with aws_error(client, "PreconditionFailedException", PRECONDITION):
            getattr(client, operation)(FunctionName="f", RevisionId=revision, **params)


def test_code_sha256_mismatch(client, create_function, aws_error):
    current = create_function("f")["CodeSha256"]
    text = (
        f"CodeSHA256 (somenonexistentsha256) is different from current CodeSHA256 in $LATEST ({current}). "
        "Please try again with the CodeSHA256 in $LATEST."
    )
    with aws_error(client, "InvalidParameterValueException", text):
        client.publish_version(FunctionName="f", CodeSha256="somenonexistentsha256")


# -- Listing ----------------------------------------------------------------------------------------


def test_list_functions_with_unknown_function_version(client, create_function, aws_error):
    create_function("f")
    text = validation("'invalid'", "functionVersion", "Member must satisfy enum value set: [ALL]")
    with aws_error(client, "ValidationException", text):
        client.list_functions(FunctionVersion="invalid")


@pytest.mark.parametrize(
    "value, constraint",
    [(0, "greater than or equal to 1"), (10001, "less than or equal to 10000")],
)
@pytest.mark.parametrize("operation, params", [("list_functions", {}), ("list_versions_by_function", {"FunctionName": "f"})])
def test_max_items_out_of_range(client, raw_client, create_function, aws_error, value, constraint, operation, params):
    create_function("f")
    text = validation(f"'{value}'", "maxItems", f"Member must have value {constraint}")
    with aws_error(client, "ValidationException", text):
        getattr(raw_client, operation)(MaxItems=value, **params)
