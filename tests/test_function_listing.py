"""ListFunctions through boto3: the entries, all versions, Lambda@Edge replicas, markers and pages."""

from __future__ import annotations

import pytest

from tests.helpers import list_all

# Members Get/Create/Update report but list entries leave out.
STATE_MEMBERS = {
    "State", "StateReason", "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode", "RuntimeVersionConfig",
}


def test_list_functions_reports_latest_unqualified(client, create_function, arn):
    assert client.list_functions()["Functions"] == []
    for name in ("b", "a", "c"):
        create_function(name)
    client.publish_version(FunctionName="a")
    listed = client.list_functions()
    assert "NextMarker" not in listed
    entries = {entry["FunctionName"]: entry for entry in listed["Functions"]}
    assert set(entries) == {"a", "b", "c"}
    for name, entry in entries.items():
        assert entry["FunctionArn"] == arn(name)
        assert entry["Version"] == "$LATEST"
        assert not STATE_MEMBERS & set(entry)
        assert entry["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}


def test_list_functions_all_versions(client, create_function, arn):
    create_function("a")
    create_function("b")
    client.publish_version(FunctionName="a")
    client.update_function_configuration(FunctionName="a", Timeout=9)
    client.publish_version(FunctionName="a")
    arns = [entry["FunctionArn"] for entry in list_all(client, FunctionVersion="ALL")]
    assert sorted(arns) == sorted(
        [arn("a", "$LATEST"), arn("a", "1"), arn("a", "2"), arn("b", "$LATEST")]
    )
    # Paging one entry at a time visits the same entries.
    one_by_one = [entry["FunctionArn"] for entry in list_all(client, FunctionVersion="ALL", PaginationConfig={"PageSize": 1})]
    assert one_by_one == arns


def test_list_functions_of_a_master_region_lists_lambda_edge_replicas_only(client, create_function):
    # ListFunctions in the API reference: MasterRegion keeps only Lambda@Edge replicas (none here), and needs
    # FunctionVersion=ALL. AWS's answers as reported in aws/aws-cli#2911: the error text, then an empty list.
    create_function("a")
    assert client.list_functions(MasterRegion="us-east-1", FunctionVersion="ALL")["Functions"] == []
    assert client.list_functions(MasterRegion="ALL", FunctionVersion="ALL")["Functions"] == []
    with pytest.raises(client.exceptions.InvalidParameterValueException) as refused:
        client.list_functions(MasterRegion="eu-west-1")
    assert refused.value.response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "The combination MasterArn=eu-west-1 and FunctionVersion=NULL is not supported. "
                   "Please see our documentation for valid combinations of ListFunctions options."}
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_functions_marker_and_max_items(client, create_function):
    for index in range(5):
        create_function(f"fn-{index}")
    first = client.list_functions(MaxItems=2)
    assert len(first["Functions"]) == 2
    second = client.list_functions(MaxItems=2, Marker=first["NextMarker"])
    third = client.list_functions(MaxItems=2, Marker=second["NextMarker"])
    assert "NextMarker" not in third
    names = [entry["FunctionName"] for page in (first, second, third) for entry in page["Functions"]]
    assert sorted(names) == [f"fn-{index}" for index in range(5)]


def test_list_functions_survives_deleting_the_marker(client, create_function):
    for name in ("a", "b", "c", "d"):
        create_function(name)
    first = client.list_functions(MaxItems=2)
    for entry in first["Functions"]:
        client.delete_function(FunctionName=entry["FunctionName"])
    rest = client.list_functions(Marker=first["NextMarker"])
    names = {entry["FunctionName"] for entry in first["Functions"]}
    assert {entry["FunctionName"] for entry in rest["Functions"]} == {"a", "b", "c", "d"} - names


def test_paginator_walks_many_functions(client, create_function):
    for index in range(120):
        create_function(f"fn-{index:03d}")
    pages = list(client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 7}))
    assert len(pages) == 18
    assert all(len(page["Functions"]) == 7 for page in pages[:-1])
    names = [entry["FunctionName"] for page in pages for entry in page["Functions"]]
    assert sorted(names) == [f"fn-{index:03d}" for index in range(120)]
    assert len(client.list_functions()["Functions"]) == 50, "AWS's default page is 50"
    # "ListFunctions returns a maximum of 50 items in each response, even if you set the number higher"
    # (MaxItems in the API reference); so does ListVersionsByFunction.
    larger = client.list_functions(MaxItems=1000)
    assert len(larger["Functions"]) == 50 and "NextMarker" in larger
