"""Code signing configs through boto3: their life cycle, attaching them to functions, AWS's texts."""

from __future__ import annotations

import datetime
import re

import boto3
import pytest

from lambdamock import package
from tests.conftest import ACCOUNT
from tests.helpers import wait_until

PROFILE = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/test"
OTHER_PROFILE = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/other/abcdef0123"
# Well-formed, never created (the recordings change a real ARN's last character to "x").
UNKNOWN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:csc-0123456789abcdefx"
MISSING_FUNCTION = "csc-test-doesnotexist"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/app:latest"
IMAGES_TEXT = "Code signing is not supported for functions created with container images."
LAST_MODIFIED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")


def not_found(arn: str) -> str:
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestCodeSigningConfig::test_code_signing_not_found_excs.
    return f"The Lambda code signing configuration {arn} can not be found."


def config_not_found(arn: str) -> str:
    # Recorded: as above (put_function_csc_invalid_csc_arn).
    return f"The code signing configuration cannot be found. Check that the provided configuration is not deleted: {arn}."


def in_use(arn: str) -> str:
    # AWS's text is not recorded (the 409 and the rule are the model's): lambdamock's own.
    return f"The code signing configuration {arn} cannot be deleted because it is used by one or more functions."


def create_config(client, **overrides):
    params = {"AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]}, **overrides}
    return client.create_code_signing_config(**params)["CodeSigningConfig"]


@pytest.fixture
def config(client):
    return create_config(
        client, Description="Testing CodeSigning Config", CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"}
    )


# -- the config itself ------------------------------------------------------------------------


def test_create_answers_201_with_the_config(client):
    created = client.create_code_signing_config(
        Description="Testing CodeSigning Config",
        AllowedPublishers={"SigningProfileVersionArns": [PROFILE]},
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"},
    )
    # Recorded: TestCodeSigningConfig::test_function_code_signing_config (create_code_signing_config).
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    config = created["CodeSigningConfig"]
    assert re.fullmatch(r"csc-[a-z0-9]{17}", config["CodeSigningConfigId"])
    assert config == {
        "AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]},
        "CodeSigningConfigArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:code-signing-config:{config['CodeSigningConfigId']}",
        "CodeSigningConfigId": config["CodeSigningConfigId"],
        "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Enforce"},
        "Description": "Testing CodeSigning Config",
        "LastModified": config["LastModified"],
    }
    assert LAST_MODIFIED.fullmatch(config["LastModified"])


def test_policy_defaults_to_warn(client):
    config = create_config(client)
    # The model: "Warn" is UntrustedArtifactOnDeployment's default.
    assert config["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}
    assert config["Description"] == ""


def test_ids_are_unique(client):
    ids = {create_config(client)["CodeSigningConfigId"] for _ in range(20)}
    assert len(ids) == 20


def test_get_update_and_delete(client, config, aws_error):
    arn = config["CodeSigningConfigArn"]
    assert client.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"] == config

    # Recorded: test_function_code_signing_config (update_code_signing_config): only the policy changes.
    updated = client.update_code_signing_config(
        CodeSigningConfigArn=arn, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Warn"}
    )["CodeSigningConfig"]
    assert updated == {**config, "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": "Warn"},
                       "LastModified": updated["LastModified"]}
    assert client.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"] == updated
    assert client.list_code_signing_configs()["CodeSigningConfigs"] == [updated]

    deleted = client.delete_code_signing_config(CodeSigningConfigArn=arn)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.list_code_signing_configs()["CodeSigningConfigs"] == []
    with aws_error(client, "ResourceNotFoundException", not_found(arn), typed=False):
        client.get_code_signing_config(CodeSigningConfigArn=arn)


def test_update_without_changes_answers_the_config(client, config):
    # Recorded: test_code_signing_not_found_excs (update_csc_noupdate_response).
    unchanged = client.update_code_signing_config(CodeSigningConfigArn=config["CodeSigningConfigArn"])
    assert unchanged["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert unchanged["CodeSigningConfig"] == {**config, "LastModified": unchanged["CodeSigningConfig"]["LastModified"]}


def test_an_update_moves_last_modified_on(client, config):
    # The model: LastModified is "The date and time that the Code signing configuration was last modified", to the
    # millisecond: once the clock has passed it, an update gives a later one.
    before = config["LastModified"]
    wait_until(lambda: datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] > before[:-5])
    arn = config["CodeSigningConfigArn"]
    updated = client.update_code_signing_config(CodeSigningConfigArn=arn, Description="later")["CodeSigningConfig"]
    assert updated["LastModified"] > before
    assert client.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"] == updated


def test_update_replaces_publishers_and_description(client, config):
    updated = client.update_code_signing_config(
        CodeSigningConfigArn=config["CodeSigningConfigArn"],
        Description="",
        AllowedPublishers={"SigningProfileVersionArns": [OTHER_PROFILE, PROFILE]},
    )["CodeSigningConfig"]
    assert updated["Description"] == ""
    assert updated["AllowedPublishers"] == {"SigningProfileVersionArns": [OTHER_PROFILE, PROFILE]}
    assert updated["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Enforce"}


def test_unknown_config(client, aws_error):
    # Recorded, all without a Type: test_code_signing_not_found_excs (delete_csc_notfound, update_csc_invalid_csc_arn,
    # update_csc_noupdates, get_csc_invalid, list_functions_by_csc_invalid_cscarn).
    calls = [
        lambda: client.delete_code_signing_config(CodeSigningConfigArn=UNKNOWN),
        lambda: client.update_code_signing_config(CodeSigningConfigArn=UNKNOWN, Description="new"),
        lambda: client.update_code_signing_config(CodeSigningConfigArn=UNKNOWN),
        lambda: client.get_code_signing_config(CodeSigningConfigArn=UNKNOWN),
        lambda: client.list_functions_by_code_signing_config(CodeSigningConfigArn=UNKNOWN),
    ]
    for call in calls:
        with aws_error(client, "ResourceNotFoundException", not_found(UNKNOWN), typed=False):
            call()


def test_configs_belong_to_their_region(client, config):
    other = boto3.client("lambda", region_name="eu-west-1")
    assert other.list_code_signing_configs()["CodeSigningConfigs"] == []
    with pytest.raises(other.exceptions.ResourceNotFoundException):
        other.get_code_signing_config(CodeSigningConfigArn=config["CodeSigningConfigArn"])


def test_list_pages(client):
    made = sorted((create_config(client, Description=str(n)) for n in range(5)), key=lambda c: c["CodeSigningConfigId"])
    first = client.list_code_signing_configs(MaxItems=2)
    assert first["CodeSigningConfigs"] == made[:2]
    second = client.list_code_signing_configs(MaxItems=2, Marker=first["NextMarker"])
    assert second["CodeSigningConfigs"] == made[2:4]
    last = client.list_code_signing_configs(MaxItems=2, Marker=second["NextMarker"])
    assert last["CodeSigningConfigs"] == made[4:]
    assert "NextMarker" not in last
    pages = client.get_paginator("list_code_signing_configs").paginate(PaginationConfig={"PageSize": 3})
    assert [config for page in pages for config in page["CodeSigningConfigs"]] == made


def list_configs(client, csc, **paging):
    return client.list_code_signing_configs(**paging), "CodeSigningConfigs"


def list_functions(client, csc, **paging):
    return client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc, **paging), "FunctionArns"


@pytest.mark.parametrize("listing", [list_configs, list_functions])
def test_a_page_that_reaches_the_end_of_the_list_has_no_next_marker(client, config, create_function, listing):
    # The model (both responses): NextMarker is "The pagination token that's included if more results are available."
    csc = config["CodeSigningConfigArn"]
    create_config(client)
    create_function("a", CodeSigningConfigArn=csc)
    create_function("b", CodeSigningConfigArn=csc)
    page, member = listing(client, csc, MaxItems=2)
    assert len(page[member]) == 2
    assert "NextMarker" not in page


def test_a_marker_survives_deletion(client):
    made = sorted((create_config(client) for _ in range(3)), key=lambda c: c["CodeSigningConfigId"])
    first = client.list_code_signing_configs(MaxItems=1)
    client.delete_code_signing_config(CodeSigningConfigArn=made[0]["CodeSigningConfigArn"])
    rest = client.list_code_signing_configs(Marker=first["NextMarker"])["CodeSigningConfigs"]
    assert rest == made[1:]


# -- attached to functions --------------------------------------------------------------------


def test_attach_and_detach(client, config, create_function, arn):
    csc = config["CodeSigningConfigArn"]
    create_function("f")
    # Recorded: test_function_code_signing_config (put_ and get_function_code_signing_config): the plain name.
    put = client.put_function_code_signing_config(CodeSigningConfigArn=csc, FunctionName=arn("f"))
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert {k: v for k, v in put.items() if k != "ResponseMetadata"} == {"CodeSigningConfigArn": csc, "FunctionName": "f"}
    got = client.get_function_code_signing_config(FunctionName="f")
    assert {k: v for k, v in got.items() if k != "ResponseMetadata"} == {"CodeSigningConfigArn": csc, "FunctionName": "f"}
    # Recorded: list_functions_by_code_signing_config: unqualified function ARNs.
    assert client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc)["FunctionArns"] == [arn("f")]

    deleted = client.delete_function_code_signing_config(FunctionName="f")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    # Recorded: test_code_signing_not_found_excs (get_function_csc_fnwithoutcsc): 200 and no members at all.
    empty = client.get_function_code_signing_config(FunctionName="f")
    assert empty["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(empty) == {"ResponseMetadata"}
    # Recorded: list_functions_by_csc_fnwithoutcsc, and nothing_to_delete_response (204 again).
    listed = client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc)
    assert {k: v for k, v in listed.items() if k != "ResponseMetadata"} == {"FunctionArns": []}
    assert client.delete_function_code_signing_config(FunctionName="f")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_a_function_has_one_config(client, config, create_function, arn):
    other = create_config(client)["CodeSigningConfigArn"]
    create_function("f")
    client.put_function_code_signing_config(CodeSigningConfigArn=config["CodeSigningConfigArn"], FunctionName="f")
    client.put_function_code_signing_config(CodeSigningConfigArn=other, FunctionName="f")
    assert client.get_function_code_signing_config(FunctionName="f")["CodeSigningConfigArn"] == other
    assert client.list_functions_by_code_signing_config(CodeSigningConfigArn=other)["FunctionArns"] == [arn("f")]
    by_first = client.list_functions_by_code_signing_config(CodeSigningConfigArn=config["CodeSigningConfigArn"])
    assert by_first["FunctionArns"] == []


def test_missing_function(client, config, aws_error, arn):
    # Recorded, with a Type: test_code_signing_not_found_excs (delete_function_csc_fnnotfound,
    # put_function_csc_invalid_fnname, get_function_csc_nonexistingfn).
    text = f"Function not found: {arn(MISSING_FUNCTION)}"
    csc = config["CodeSigningConfigArn"]
    with aws_error(client, "ResourceNotFoundException", text):
        client.delete_function_code_signing_config(FunctionName=MISSING_FUNCTION)
    with aws_error(client, "ResourceNotFoundException", text):
        client.put_function_code_signing_config(CodeSigningConfigArn=csc, FunctionName=MISSING_FUNCTION)
    with aws_error(client, "ResourceNotFoundException", text):
        client.get_function_code_signing_config(FunctionName=MISSING_FUNCTION)


def test_put_looks_for_the_config_first(client, create_function, aws_error):
    create_function("f")
    # Recorded: put_function_csc_invalid_csc_arn, and put_function_csc_invalid_both (the config is checked first).
    with aws_error(client, "CodeSigningConfigNotFoundException", config_not_found(UNKNOWN)):
        client.put_function_code_signing_config(CodeSigningConfigArn=UNKNOWN, FunctionName="f")
    with aws_error(client, "CodeSigningConfigNotFoundException", config_not_found(UNKNOWN)):
        client.put_function_code_signing_config(CodeSigningConfigArn=UNKNOWN, FunctionName=MISSING_FUNCTION)


def test_a_config_in_use_cannot_be_deleted(client, config, create_function, aws_error):
    csc = config["CodeSigningConfigArn"]
    create_function("f", CodeSigningConfigArn=csc)
    with aws_error(client, "ResourceConflictException", in_use(csc)):
        client.delete_code_signing_config(CodeSigningConfigArn=csc)
    client.delete_function_code_signing_config(FunctionName="f")
    client.delete_code_signing_config(CodeSigningConfigArn=csc)
    assert client.list_code_signing_configs()["CodeSigningConfigs"] == []


def test_create_function_attaches_a_config(client, config, create_function, arn):
    csc = config["CodeSigningConfigArn"]
    create_function("f", CodeSigningConfigArn=csc)
    assert client.get_function_code_signing_config(FunctionName="f")["CodeSigningConfigArn"] == csc
    assert client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc)["FunctionArns"] == [arn("f")]


def test_create_function_with_an_unknown_config(client, create_function, aws_error):
    # The modeled error of CreateFunction; the text is the one recorded for PutFunctionCodeSigningConfig.
    with aws_error(client, "CodeSigningConfigNotFoundException", config_not_found(UNKNOWN)):
        create_function("f", CodeSigningConfigArn=UNKNOWN)
    assert client.list_functions()["Functions"] == []


def test_deleting_a_function_detaches_its_config(client, config, create_function):
    csc = config["CodeSigningConfigArn"]
    create_function("f", CodeSigningConfigArn=csc)
    client.delete_function(FunctionName="f")
    assert client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc)["FunctionArns"] == []
    client.delete_code_signing_config(CodeSigningConfigArn=csc)
    create_function("f")
    assert set(client.get_function_code_signing_config(FunctionName="f")) == {"ResponseMetadata"}


def test_functions_by_config_pages(client, config, create_function, arn):
    csc = config["CodeSigningConfigArn"]
    for name in ("a", "b", "c", "unsigned"):
        create_function(name, CodeSigningConfigArn=None if name == "unsigned" else csc)
    first = client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc, MaxItems=2)
    assert first["FunctionArns"] == [arn("a"), arn("b")]
    rest = client.list_functions_by_code_signing_config(CodeSigningConfigArn=csc, Marker=first["NextMarker"])
    assert rest["FunctionArns"] == [arn("c")]
    assert "NextMarker" not in rest
    pages = client.get_paginator("list_functions_by_code_signing_config").paginate(
        CodeSigningConfigArn=csc, PaginationConfig={"PageSize": 1}
    )
    assert [name for page in pages for name in page["FunctionArns"]] == [arn("a"), arn("b"), arn("c")]


def test_container_images_have_no_code_signing(client, config, create_function, aws_error):
    # Observed from AWS for GetFunctionCodeSigningConfig on an image function (aws-samples/service-screener-v2#6);
    # lambdamock gives the same answer to every code signing call on one.
    csc = config["CodeSigningConfigArn"]
    image = {"PackageType": "Image", "Code": {"ImageUri": IMAGE}, "Runtime": None, "Handler": None}
    with aws_error(client, "InvalidParameterValueException", IMAGES_TEXT):
        create_function("img", CodeSigningConfigArn=csc, **image)
    create_function("img", **image)
    with aws_error(client, "InvalidParameterValueException", IMAGES_TEXT):
        client.get_function_code_signing_config(FunctionName="img")
    with aws_error(client, "InvalidParameterValueException", IMAGES_TEXT):
        client.put_function_code_signing_config(CodeSigningConfigArn=csc, FunctionName="img")
    with aws_error(client, "InvalidParameterValueException", IMAGES_TEXT):
        client.delete_function_code_signing_config(FunctionName="img")


def test_unsigned_code_is_deployed_and_runs(client, create_function):
    # Signatures are not verified (no AWS Signer): an Enforce policy lets unsigned code through.
    csc = create_config(client, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})["CodeSigningConfigArn"]
    create_function("f", CodeSigningConfigArn=csc)
    client.update_function_code(FunctionName="f", ZipFile=package({"index.py": "def handler(e, c):\n    return 7\n"}))
    client.get_waiter("function_updated_v2").wait(FunctionName="f")
    assert client.invoke(FunctionName="f")["Payload"].read() == b"7"
