"""Functions changed through boto3: their configuration and code updated, deleted, a new revision each time."""

from __future__ import annotations

import datetime

import pytest

from tests.helpers import list_all, sha256_b64, wait_until


def test_update_function_configuration(client, create_function):
    created = create_function("f", Environment={"Variables": {"KEY_A": "1"}})
    before = client.get_function_configuration(FunctionName="f")
    updated = client.update_function_configuration(
        FunctionName="f", Description="new", Timeout=60, MemorySize=256, Environment={"Variables": {"KEY_B": "2"}}
    )
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert updated["State"] == "Active"
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["LastUpdateStatusReason"] == "The function is being created."
    assert updated["LastUpdateStatusReasonCode"] == "Creating"
    assert updated["RevisionId"] not in (created["RevisionId"], before["RevisionId"])
    after = client.get_function_configuration(FunctionName="f")
    assert after["LastUpdateStatus"] == "Successful"
    assert "LastUpdateStatusReason" not in after
    assert after["RevisionId"] not in (updated["RevisionId"], before["RevisionId"])
    assert (after["Description"], after["Timeout"], after["MemorySize"]) == ("new", 60, 256)
    assert after["Environment"] == {"Variables": {"KEY_B": "2"}}
    assert after["CodeSha256"] == before["CodeSha256"]
    assert after["Handler"] == before["Handler"] and after["Runtime"] == before["Runtime"]
    assert after["LastModified"] >= before["LastModified"]


def test_an_update_moves_last_modified_on(client, create_function):
    # LastModified is "The date and time that the function was last updated" (FunctionConfiguration, the API
    # reference), to the millisecond: once the clock has passed it, an update gives a later one.
    create_function("f")
    before = client.get_function_configuration(FunctionName="f")["LastModified"]

    def now() -> str:
        return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"

    wait_until(lambda: now() > before)
    updated = client.update_function_configuration(FunctionName="f", Description="later")["LastModified"]
    assert updated > before
    assert client.get_function_configuration(FunctionName="f")["LastModified"] == updated


def test_update_function_configuration_with_matching_revision(client, create_function):
    create_function("f")
    revision = client.get_function(FunctionName="f")["Configuration"]["RevisionId"]
    client.update_function_configuration(FunctionName="f", Handler="other.handler", RevisionId=revision)
    assert client.get_function_configuration(FunctionName="f")["Handler"] == "other.handler"


def test_update_function_code(client, create_function, make_zip):
    created = create_function("f")
    newer = make_zip({"index.py": "def handler(e, c):\n    return 2\n"})
    revision = client.get_function_configuration(FunctionName="f")["RevisionId"]
    updated = client.update_function_code(FunctionName="f", ZipFile=newer, RevisionId=revision)
    assert updated["CodeSha256"] == sha256_b64(newer) != created["CodeSha256"]
    assert updated["CodeSize"] == len(newer)
    assert updated["Version"] == "$LATEST"
    assert (updated["State"], updated["LastUpdateStatus"]) == ("Active", "InProgress")
    after = client.get_function_configuration(FunctionName="f")
    assert after["CodeSha256"] == sha256_b64(newer)
    assert after["LastUpdateStatus"] == "Successful"
    assert after["RevisionId"] not in (revision, updated["RevisionId"])
    assert client.list_versions_by_function(FunctionName="f")["Versions"][1:] == []


def test_update_function_code_changes_the_architecture(client, create_function, make_zip):
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaBehavior::test_mixed_architecture: the update
    # answers with the new architecture, and the runtime version's ARN is another one for it.
    created = create_function("f", Architectures=["x86_64"])
    updated = client.update_function_code(FunctionName="f", ZipFile=make_zip(), Architectures=["arm64"])
    assert updated["Architectures"] == ["arm64"]
    runtime_arn = updated["RuntimeVersionConfig"]["RuntimeVersionArn"]
    assert runtime_arn != created["RuntimeVersionConfig"]["RuntimeVersionArn"]
    after = client.get_function_configuration(FunctionName="f")
    assert (after["Architectures"], after["RuntimeVersionConfig"]["RuntimeVersionArn"]) == (["arm64"], runtime_arn)
    published = client.update_function_code(FunctionName="f", ZipFile=make_zip(), Architectures=["x86_64"], Publish=True)
    assert published["Architectures"] == ["x86_64"]
    assert client.get_function_configuration(FunctionName="f", Qualifier="1")["Architectures"] == ["x86_64"]


def test_a_function_given_no_architecture_runs_x86_64s_runtime_version(client, create_function):
    # Architectures: "The default value is x86_64" (the API reference); the runtime version's ARN is the one of
    # its runtime and architecture (test_update_function_code_changes_the_architecture, recorded).
    def runtime_arn(name: str, **extra) -> str:
        return create_function(name, **extra)["RuntimeVersionConfig"]["RuntimeVersionArn"]

    assert runtime_arn("f") == runtime_arn("g", Architectures=["x86_64"]) != runtime_arn("h", Architectures=["arm64"])


def test_update_function_code_dry_run_changes_nothing(client, create_function, make_zip):
    create_function("f")
    before = client.get_function(FunctionName="f")["Configuration"]
    client.update_function_code(FunctionName="f", ZipFile=make_zip({"other.py": ""}), DryRun=True)
    assert client.get_function(FunctionName="f")["Configuration"] == before


def test_delete_function(client, create_function, arn):
    create_function("f")
    create_function("g")
    client.publish_version(FunctionName="f")
    deleted = client.delete_function(FunctionName=arn("f"))
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [entry["FunctionName"] for entry in list_all(client, FunctionVersion="ALL")] == ["g"]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_function(FunctionName="f")
    # The name is free again; versions start over for the new function.
    create_function("f")
    assert client.publish_version(FunctionName="f")["Version"] == "1"


def test_revision_id_changes_on_every_change(client, create_function, make_zip):
    seen = [create_function("f")["RevisionId"]]

    def latest():
        return client.get_function(FunctionName="f")["Configuration"]["RevisionId"]

    seen.append(latest())
    seen.append(client.update_function_configuration(FunctionName="f", Timeout=5)["RevisionId"])
    seen.append(latest())
    seen.append(client.update_function_code(FunctionName="f", ZipFile=make_zip({"x.py": ""}))["RevisionId"])
    seen.append(latest())
    seen.append(client.publish_version(FunctionName="f")["RevisionId"])
    seen.append(latest())
    assert len(set(seen)) == len(seen)
    assert latest() == seen[-1], "reading changes nothing"
