"""Published versions through boto3: publish, list, read, delete, and their numbering."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from lambdamock import LambdaMock, package

STATE_MEMBERS = {"State", "StateReason", "StateReasonCode", "LastUpdateStatus", "RuntimeVersionConfig"}


def versions(client, name="f", **params):
    pages = client.get_paginator("list_versions_by_function").paginate(FunctionName=name, **params)
    return [entry for page in pages for entry in page["Versions"]]


def numbers(client, name="f"):
    return [entry["Version"] for entry in versions(client, name)]


def test_publish_version_response(client, create_function, arn):
    create_function("f", Description="latest")
    latest = client.get_function_configuration(FunctionName="f")
    published = client.publish_version(FunctionName="f", Description="first")
    assert published["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert published["Version"] == "1"
    assert published["FunctionArn"] == arn("f", "1")
    assert (published["State"], published["LastUpdateStatus"]) == ("Active", "Successful")
    assert published["Description"] == "first"
    assert published["CodeSha256"] == latest["CodeSha256"]
    assert published["RevisionId"] != latest["RevisionId"]
    got = client.get_function(FunctionName="f", Qualifier="1")["Configuration"]
    assert got == {key: value for key, value in published.items() if key != "ResponseMetadata"}
    assert client.get_function_configuration(FunctionName="f")["Description"] == "latest"


def test_a_version_without_description_takes_the_latest_one(client, create_function):
    create_function("f", Description="from latest")
    assert client.publish_version(FunctionName="f")["Description"] == "from latest"
    assert client.get_function_configuration(FunctionName="f:1")["Description"] == "from latest"


def test_publish_without_change_returns_the_existing_version(client, create_function):
    create_function("f")
    first = client.publish_version(FunctionName="f")
    latest_revision = client.get_function_configuration(FunctionName="f")["RevisionId"]
    again = client.publish_version(FunctionName="f", Description="a different description")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (again["Version"], again["RevisionId"], again["Description"]) == ("1", first["RevisionId"], "")
    assert numbers(client) == ["$LATEST", "1"]
    assert client.get_function_configuration(FunctionName="f")["RevisionId"] == latest_revision


def test_a_description_alone_never_publishes_a_version(client, create_function):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaVersions::test_publish_version_on_create
    # (repeated_publish_response) and ::test_version_lifecycle (third_publish_response).
    create_function("f")
    first = client.publish_version(FunctionName="f", Description="A")
    again = client.publish_version(FunctionName="f")
    third = client.publish_version(FunctionName="f", Description="B")
    assert [first["Version"], again["Version"], third["Version"]] == ["1", "1", "1"]
    assert third["Description"] == "A", "the existing version, with its own description"


@pytest.mark.parametrize(
    "update",
    [
        lambda client, make_zip: client.update_function_code(FunctionName="f", ZipFile=make_zip()),
        lambda client, make_zip: client.update_function_configuration(FunctionName="f", Timeout=3),
    ],
    ids=["identical code", "unchanged configuration"],
)
def test_any_update_since_the_last_publish_publishes_a_new_version(client, create_function, make_zip, update):
    # AWS does not compare contents: an update, even to the same code or settings, is a change
    # (moto PR getmoto/moto#8379, verified against AWS; LocalStack's provider does the same).
    create_function("f", Timeout=3)
    assert client.publish_version(FunctionName="f")["Version"] == "1"
    update(client, make_zip)
    assert client.publish_version(FunctionName="f")["Version"] == "2"
    assert client.update_function_code(FunctionName="f", ZipFile=make_zip(), Publish=True)["Version"] == "3"


def test_publishing_changes_the_latest_revision(client, create_function):
    create_function("f")
    before = client.get_function_configuration(FunctionName="f")["RevisionId"]
    client.publish_version(FunctionName="f", RevisionId=before)
    assert client.get_function_configuration(FunctionName="f")["RevisionId"] != before


def test_published_versions_do_not_change(client, create_function, make_zip):
    create_function("f", Environment={"Variables": {"STAGE": "one"}})
    client.publish_version(FunctionName="f")
    published = client.get_function(FunctionName="f", Qualifier="1")["Configuration"]
    client.update_function_configuration(FunctionName="f", Timeout=30, Environment={"Variables": {"STAGE": "two"}})
    client.update_function_code(FunctionName="f", ZipFile=make_zip({"other.py": ""}))
    assert client.get_function(FunctionName="f", Qualifier="1")["Configuration"] == published
    second = client.publish_version(FunctionName="f")
    assert second["Version"] == "2"
    assert (second["Timeout"], second["Environment"]) == (30, {"Variables": {"STAGE": "two"}})


def test_create_with_publish(client, create_function, arn):
    created = create_function("f", Publish=True)
    # AWS reports the version number but keeps the unqualified ARN and $LATEST's revision.
    assert created["Version"] == "1"
    assert created["FunctionArn"] == arn("f")
    assert created["State"] == "Pending"
    version_one = client.get_function(FunctionName="f", Qualifier="1")["Configuration"]
    assert version_one["FunctionArn"] == arn("f", "1")
    assert version_one["State"] == "Active"
    assert version_one["RevisionId"] != created["RevisionId"]
    assert numbers(client) == ["$LATEST", "1"]
    assert client.publish_version(FunctionName="f")["RevisionId"] == version_one["RevisionId"]


def test_update_code_with_publish(client, create_function, make_zip, arn):
    create_function("f")
    newer = make_zip({"index.py": "def handler(e, c):\n    return 2\n"})
    published = client.update_function_code(FunctionName="f", ZipFile=newer, Publish=True)
    assert published["Version"] == "1"
    assert published["FunctionArn"] == arn("f", "1")
    assert (published["State"], published["StateReasonCode"]) == ("Pending", "Creating")
    assert "LastUpdateStatus" not in published
    latest = client.get_function_configuration(FunctionName="f", Qualifier="$LATEST")
    assert latest["FunctionArn"] == arn("f", "$LATEST")
    assert latest["CodeSha256"] == published["CodeSha256"]
    assert latest["RevisionId"] != published["RevisionId"]
    assert client.get_function_configuration(FunctionName="f:1")["RevisionId"] == published["RevisionId"]


def test_publishing_again_after_an_update_with_publish_reports_the_version_active(client, create_function, make_zip):
    # Recorded: TestLambdaVersions::test_publish_with_update (update_function_code_result: version 1 Pending, with no
    # LastUpdateStatus); a publish with nothing new answers the existing version Active and Successful
    # (::test_version_lifecycle third_publish_response, ::test_publish_version_on_create repeated_publish_response).
    create_function("f")
    client.update_function_code(FunctionName="f", ZipFile=make_zip({"index.py": "# 2"}), Publish=True)
    again = client.publish_version(FunctionName="f")
    assert (again["Version"], again["State"], again["LastUpdateStatus"]) == ("1", "Active", "Successful")
    assert "StateReasonCode" not in again


def test_list_versions_by_function(client, create_function, arn):
    create_function("f")
    for timeout in range(4, 16):
        client.update_function_configuration(FunctionName="f", Timeout=timeout)
        client.publish_version(FunctionName="f")
    listed = client.list_versions_by_function(FunctionName="f")
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "NextMarker" not in listed
    entries = listed["Versions"]
    # $LATEST first, then by number (10 after 9, not after 1).
    assert [entry["Version"] for entry in entries] == ["$LATEST", *map(str, range(1, 13))]
    assert [entry["FunctionArn"] for entry in entries] == [arn("f", entry["Version"]) for entry in entries]
    assert [entry["Timeout"] for entry in entries[1:]] == list(range(4, 16))
    assert all(not STATE_MEMBERS & set(entry) for entry in entries)
    paged = versions(client, PaginationConfig={"PageSize": 5})
    assert paged == entries
    first = client.list_versions_by_function(FunctionName="f", MaxItems=3)
    assert [entry["Version"] for entry in first["Versions"]] == ["$LATEST", "1", "2"]
    rest = client.list_versions_by_function(FunctionName="f", Marker=first["NextMarker"], MaxItems=2)
    assert [entry["Version"] for entry in rest["Versions"]] == ["3", "4"]


def test_listing_survives_deleting_the_marker_version(client, create_function):
    create_function("f")
    for timeout in (4, 5, 6):
        client.update_function_configuration(FunctionName="f", Timeout=timeout)
        client.publish_version(FunctionName="f")
    first = client.list_versions_by_function(FunctionName="f", MaxItems=2)
    client.delete_function(FunctionName="f", Qualifier="1")
    rest = client.list_versions_by_function(FunctionName="f", Marker=first["NextMarker"])
    assert [entry["Version"] for entry in rest["Versions"]] == ["2", "3"]
    first = client.list_functions(FunctionVersion="ALL", MaxItems=2)
    assert [entry["Version"] for entry in first["Functions"]] == ["$LATEST", "2"]
    client.delete_function(FunctionName="f", Qualifier="2")
    rest = client.list_functions(FunctionVersion="ALL", Marker=first["NextMarker"])
    assert [entry["Version"] for entry in rest["Functions"]] == ["3"]


def test_delete_a_version_keeps_the_function(client, create_function, arn):
    create_function("f")
    client.publish_version(FunctionName="f")
    client.update_function_configuration(FunctionName="f", Timeout=9)
    client.publish_version(FunctionName="f")
    deleted = client.delete_function(FunctionName=arn("f", "1"))
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert numbers(client) == ["$LATEST", "2"]
    assert client.get_function(FunctionName="f")["Configuration"]["Timeout"] == 9
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_function(FunctionName="f", Qualifier="1")
    client.delete_function(FunctionName="f", Qualifier="2")
    assert numbers(client) == ["$LATEST"]


def test_deleting_the_function_deletes_its_versions(client, create_function, arn):
    create_function("f", Publish=True)
    client.delete_function(FunctionName="f")
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.get_function(FunctionName="f:1")
    assert caught.value.response["Error"]["Message"] == f"Function not found: {arn('f', '1')}"


def test_version_numbers_are_never_reused(client, create_function):
    create_function("f")
    client.publish_version(FunctionName="f")
    client.update_function_configuration(FunctionName="f", Timeout=5)
    client.publish_version(FunctionName="f")
    client.delete_function(FunctionName="f", Qualifier="2")
    # $LATEST equals version 2's content, but version 2 is gone: publishing makes a new one.
    assert client.publish_version(FunctionName="f")["Version"] == "3"
    client.delete_function(FunctionName="f:1")
    client.delete_function(FunctionName="f:3")
    client.update_function_configuration(FunctionName="f", Timeout=6)
    assert client.publish_version(FunctionName="f")["Version"] == "4"
    assert numbers(client) == ["$LATEST", "4"]


@pytest.mark.parametrize("operation", ["publish_version", "update_function_code"])
def test_publish_with_matching_preconditions(client, create_function, make_zip, operation):
    create_function("f")
    config = client.get_function_configuration(FunctionName="f")
    if operation == "publish_version":
        published = client.publish_version(FunctionName="f", CodeSha256=config["CodeSha256"], RevisionId=config["RevisionId"])
    else:
        published = client.update_function_code(FunctionName="f", ZipFile=make_zip(), Publish=True, RevisionId=config["RevisionId"])
    assert published["Version"] == "1"


def test_concurrent_changes_and_publishes_number_versions_without_gaps(client, create_function):
    create_function("f")

    def change_and_publish(timeout: int) -> str:
        client.update_function_configuration(FunctionName="f", Timeout=timeout)
        return str(client.publish_version(FunctionName="f")["Version"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        returned = set(pool.map(change_and_publish, range(1, 41)))
    listed = numbers(client)[1:]
    assert listed == [str(number) for number in range(1, len(listed) + 1)]
    assert returned <= set(listed)
    # Every version is whole: a Timeout some thread set, never a mix of two changes.
    assert all(1 <= entry["Timeout"] <= 40 for entry in versions(client))


@settings(max_examples=25, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
class VersionLifecycle(RuleBasedStateMachine):
    """Any sequence of changes, publishes and deletions keeps AWS's numbering and immutability rules."""

    @initialize()
    def start(self) -> None:
        self.mock = LambdaMock().start()
        self.client = boto3.client("lambda", region_name="us-east-1")
        self.client.create_function(
            FunctionName="f",
            Runtime="python3.12",
            Role="arn:aws:iam::123456789012:role/r",
            Handler="index.handler",
            Code={"ZipFile": package({"index.py": ""})},
        )
        self.timeout = 3
        self.published: dict[str, int] = {}  # version -> its Timeout
        self.last_number = 0
        self.updated = True  # since the last publish: AWS publishes on an update, not on a difference

    def teardown(self) -> None:
        if getattr(self, "mock", None) is not None and self.mock.started:
            self.mock.stop()

    @rule(timeout=st.integers(min_value=1, max_value=6))
    def change(self, timeout: int) -> None:
        self.client.update_function_configuration(FunctionName="f", Timeout=timeout)
        self.timeout = timeout
        self.updated = True

    @rule()
    def publish(self) -> None:
        version = self.client.publish_version(FunctionName="f")["Version"]
        # No update since the newest version was published: that version comes back.
        if not self.updated and str(self.last_number) in self.published:
            assert version == str(self.last_number)
        else:
            self.updated = False
            self.last_number += 1
            assert version == str(self.last_number)
            self.published[version] = self.timeout

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        if not self.published:
            return
        version = data.draw(st.sampled_from(sorted(self.published)))
        self.client.delete_function(FunctionName="f", Qualifier=version)
        del self.published[version]

    @invariant()
    def listing_matches(self) -> None:
        if not hasattr(self, "client"):
            return
        entries = versions(self.client)
        assert [entry["Version"] for entry in entries] == ["$LATEST", *sorted(self.published, key=int)]
        assert [entry["Timeout"] for entry in entries] == [self.timeout, *(self.published[v] for v in sorted(self.published, key=int))]


TestVersionLifecycle = VersionLifecycle.TestCase
