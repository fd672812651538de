"""Code.Location and a layer's Content.Location: a plain HTTP GET of one downloads the package, in process.

Recorded: LocalStack's test_lambda_api.py, TestLambdaFunction::test_lambda_code_location_zipfile and
test_lambda_code_location_s3 (AWS-validated): ``requests.get(get_function(...)["Code"]["Location"]).content`` is
the zip sent, and after UpdateFunctionCode the new Location gives the new zip.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import boto3
import pytest
import requests
import urllib3
from botocore.config import Config
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.escapes import Proxy
from tests.helpers import ROLE, moto_role

REGION = "us-east-1"
FIRST = package({"app.py": "def handler(event, context):\n    return 1\n"})
SECOND = package({"app.py": "def handler(event, context):\n    return 2\n"})

# Fixtures, found by pytest by their names here (the alias marks it as used).
from tests.escapes import escapes as escapes  # noqa: E402


@pytest.fixture(params=["alone", "moto outside", "moto inside"])
def mocked(request: pytest.FixtureRequest) -> Iterator[str]:
    """lambdamock alone (urllib3 takes the download), or beside moto's mock (moto's S3 takes requests' calls)."""
    if request.param == "alone":
        with mock_lambda():
            yield ROLE
    elif request.param == "moto outside":
        with mock_aws(), mock_lambda():
            yield moto_role()
    else:
        with mock_lambda(), mock_aws():
            yield moto_role()


def test_code_location_downloads_the_package_and_each_update_has_its_own(mocked: str) -> None:
    lam = boto3.client("lambda", region_name=REGION)
    lam.create_function(FunctionName="f", Runtime="python3.12", Role=mocked, Handler="app.handler",
                        Code={"ZipFile": FIRST})
    found = lam.get_function(FunctionName="f")
    response = requests.get(found["Code"]["Location"])
    assert (response.status_code, response.content) == (200, FIRST)
    assert base64.b64encode(hashlib.sha256(response.content).digest()).decode() == found["Configuration"]["CodeSha256"]
    assert len(response.content) == found["Configuration"]["CodeSize"]
    lam.update_function_code(FunctionName="f", ZipFile=SECOND, Publish=True)
    updated = lam.get_function(FunctionName="f")["Code"]["Location"]
    assert updated != found["Code"]["Location"]
    assert requests.get(updated).content == SECOND
    # A presigned URL stays good for a while after it was given (ten minutes on AWS): the old one is the old zip.
    assert requests.get(found["Code"]["Location"]).content == FIRST
    assert requests.get(lam.get_function(FunctionName="f", Qualifier="1")["Code"]["Location"]).content == SECOND


def test_code_location_of_code_from_s3_is_the_object_sent() -> None:
    with mock_aws(), mock_lambda():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="code")
        s3.put_object(Bucket="code", Key="code/function.zip", Body=FIRST)
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=moto_role(), Handler="app.handler",
                            Code={"S3Bucket": "code", "S3Key": "code/function.zip"})
        assert requests.get(lam.get_function(FunctionName="f")["Code"]["Location"]).content == FIRST
        assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["code"]  # no bucket of lambdamock's


def test_a_layers_content_location_downloads_it_and_a_head_gives_its_headers(mocked: str) -> None:
    lam = boto3.client("lambda", region_name=REGION)
    location = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": FIRST})["Content"]["Location"]
    assert requests.get(location).content == FIRST
    assert lam.get_layer_version(LayerName="deps", VersionNumber=1)["Content"]["Location"] == location
    head = requests.head(location)
    assert (head.status_code, head.content, head.headers["Content-Type"]) == (200, b"", "application/zip")
    # urllib3, under requests and botocore alike, is answered the same.
    assert urllib3.PoolManager().request("GET", location).data == FIRST


def test_a_url_it_gave_downloads_whatever_signature_the_request_carries(mocked: str) -> None:
    # A presigned URL (AWS's has X-Amz-Signature in its query) and a client that adds credentials of its own (a
    # .netrc entry makes requests send Basic authorization) still get the package.
    lam = boto3.client("lambda", region_name=REGION)
    location = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": FIRST})["Content"]["Location"]
    assert requests.get(location + "?X-Amz-Signature=abc").content == FIRST
    assert requests.get(location, auth=("me", "secret")).content == FIRST


def test_a_url_the_mock_did_not_give_is_denied_as_s3_denies_it(mocked: str) -> None:
    # S3's text: LocalStack's test_s3.snapshot.json (AWS-validated), test_post_request_missing_fields,
    # "Code": "AccessDenied", "Message": "Access Denied", status 403.
    lam = boto3.client("lambda", region_name=REGION)
    lam.create_function(FunctionName="f", Runtime="python3.12", Role=mocked, Handler="app.handler",
                        Code={"ZipFile": FIRST})
    location = lam.get_function(FunctionName="f")["Code"]["Location"]
    for response in (requests.get(location + "0"), requests.put(location, data=b"x")):
        assert response.status_code == 403
        assert b"<Code>AccessDenied</Code><Message>Access Denied</Message>" in response.content


def test_a_range_gets_those_bytes_as_s3_gives_them(mocked: str) -> None:
    # S3's answers: LocalStack's test_s3_api.snapshot.json (AWS-validated), TestS3ObjectCRUD::test_get_object_range:
    # "bytes=0-0" and "bytes=1-1" give that one byte, "bytes=-15" of a 10-byte object gives all 10 ("bytes 0-9/10").
    lam = boto3.client("lambda", region_name=REGION)
    location = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": FIRST})["Content"]["Location"]
    for asked, first, last in (("bytes=0-9", 0, 9), ("bytes=-5", len(FIRST) - 5, len(FIRST) - 1),
                               (f"bytes=10-{len(FIRST) + 50}", 10, len(FIRST) - 1), ("bytes=0-0", 0, 0),
                               ("bytes=1-1", 1, 1), (f"bytes=-{len(FIRST) + 5}", 0, len(FIRST) - 1)):
        response = requests.get(location, headers={"Range": asked})
        assert (response.status_code, response.content) == (206, FIRST[first:last + 1])
        assert response.headers["Content-Range"] == f"bytes {first}-{last}/{len(FIRST)}"


def test_a_range_is_read_as_urllib3_reads_a_request(mocked: str) -> None:
    lam = boto3.client("lambda", region_name=REGION)
    location = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": FIRST})["Content"]["Location"]
    # A header's name is case-insensitive (RFC 9110), and requests sends it as it was given.
    response = requests.get(location, headers={"range": "bytes=0-9"})
    assert (response.status_code, response.reason, response.content) == (206, "Partial Content", FIRST[:10])
    # urllib3's urlopen(method, url, body, headers): headers given by position, and a fragment, which urllib3
    # never sends.
    pool, path = urllib3.HTTPSConnectionPool(urlsplit(location).hostname), urlsplit(location).path
    assert pool.urlopen("GET", path, None, {"Range": "bytes=0-9"}).data == FIRST[:10]
    assert pool.urlopen("GET", path + "#part").data == FIRST


def test_a_url_it_gave_downloads_however_a_client_spells_its_host(mocked: str) -> None:
    # A name's case does not matter (RFC 4343), and a trailing dot names the same host (RFC 1034, 3.1). Through
    # urllib3 and urllib.request, which moto's mock leaves to lambdamock whether it is active or not.
    lam = boto3.client("lambda", region_name=REGION)
    location = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": FIRST})["Content"]["Location"]
    host = str(urlsplit(location).hostname)
    for spelled in (f"{host}.", host.upper()):
        assert urllib3.PoolManager().request("GET", location.replace(host, spelled)).data == FIRST
        with urllib.request.urlopen(location.replace(host, spelled)) as response:
            assert response.read() == FIRST


def test_a_range_past_the_end_is_refused(mocked: str) -> None:
    # S3's text: LocalStack's test_s3_api.snapshot.json (AWS-validated), TestS3ObjectCRUD::test_get_object_range,
    # "Code": "InvalidRange", "Message": "The requested range is not satisfiable", status 416.
    lam = boto3.client("lambda", region_name=REGION)
    location = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": FIRST})["Content"]["Location"]
    response = requests.get(location, headers={"Range": f"bytes={len(FIRST)}-"})
    assert response.status_code == 416
    assert b"<Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message>" in response.content
    # A HEAD gets the status and headers alone, an error's too.
    for asked, status in (("bytes=0-1", 206), (f"bytes={len(FIRST)}-", 416)):
        head = requests.head(location, headers={"Range": asked})
        assert (head.status_code, head.content) == (status, b"")
    assert (requests.head(location + "0").status_code, requests.head(location + "0").content) == (403, b"")
    # What is not one range of bytes, or ends before it starts, is ignored (RFC 9110): the whole package.
    for ignored in ("bytes=5-2", "bytes=0-1,3-4", "items=0-1", "bytes="):
        assert requests.get(location, headers={"Range": ignored}).content == FIRST


def test_code_in_place_downloads_as_its_directory_is_now(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    with mock_lambda():
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"S3Bucket": "hot-reload", "S3Key": str(tmp_path)})
        location = lam.get_function(FunctionName="f")["Code"]["Location"]
        (tmp_path / "extra.py").write_text("X = 1\n")
        assert requests.get(location).content == package(str(tmp_path))
        for child in tmp_path.iterdir():
            child.unlink()
        tmp_path.rmdir()
        assert requests.get(location).status_code == 403  # nothing left to package


def test_moto_keeps_a_bucket_of_that_name_and_signed_requests_to_it() -> None:
    # The host is AWS's (awslambda-<region>-tasks): outside a mock of lambdamock's, and for an S3 client's signed
    # requests inside one, a bucket of that name is moto's like any other.
    with mock_lambda():
        pass
    bucket = "awslambda-eu-west-1-tasks"  # outside us-east-1, S3 clients name the region in the host too
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket=bucket, Key="snapshots/k", Body=b"mine", ACL="public-read")
        assert requests.get(f"https://{bucket}.s3.eu-west-1.amazonaws.com/snapshots/k").content == b"mine"
        with mock_lambda():
            assert s3.get_object(Bucket=bucket, Key="snapshots/k")["Body"].read() == b"mine"
            signer = boto3.client("s3", region_name="eu-west-1", endpoint_url="https://s3.eu-west-1.amazonaws.com",
                                  config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
            presigned = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "snapshots/k"})
            assert presigned.startswith(f"https://{bucket}.s3.eu-west-1.amazonaws.com/")
            assert requests.get(presigned).content == b"mine"


def _urllib_status(opener: urllib.request.OpenerDirector, url: str) -> int:
    try:
        with opener.open(url) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_urllib_request_downloads_as_requests_does(mocked: str, tmp_path: Path) -> None:
    # The standard library's client, as scripts use it: urlopen (a Range, a HEAD), urlretrieve, and S3's errors.
    lam = boto3.client("lambda", region_name=REGION)
    location = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": FIRST})["Content"]["Location"]
    with urllib.request.urlopen(location) as response:
        assert (response.status, response.read(), response.headers["Content-Type"]) == (200, FIRST, "application/zip")
    with urllib.request.urlopen(urllib.request.Request(location, headers={"Range": "bytes=0-9"})) as response:
        assert (response.status, response.read()) == (206, FIRST[:10])
        assert response.headers["Content-Range"] == f"bytes 0-9/{len(FIRST)}"
    with urllib.request.urlopen(urllib.request.Request(location, method="HEAD")) as response:
        assert (response.status, response.read(), response.headers["Content-Length"]) == (200, b"", str(len(FIRST)))
    assert Path(urllib.request.urlretrieve(location, tmp_path / "deps.zip")[0]).read_bytes() == FIRST
    with urllib.request.urlopen(location + "#part") as response:  # a fragment is the client's alone
        assert (response.read(), response.url, response.reason) == (FIRST, location + "#part", "OK")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(location + "0")
    assert (refused.value.code, refused.value.reason, refused.value.url) == (403, "Forbidden", location + "0")
    assert b"<Code>AccessDenied</Code><Message>Access Denied</Message>" in refused.value.read()


@pytest.mark.parametrize("given", [True, False], ids=["a URL it gave", "one it did not"])
def test_a_download_never_leaves_the_process(escapes: Proxy, mocked: str, given: bool) -> None:
    lam = boto3.client("lambda", region_name=REGION)
    lam.create_function(FunctionName="f", Runtime="python3.12", Role=mocked, Handler="app.handler",
                        Code={"ZipFile": FIRST})
    location = lam.get_function(FunctionName="f")["Code"]["Location"] + ("" if given else "0")
    # Through an HTTP proxy, an http:// URL is sent whole to the proxy's own connection pool.
    proxied = urllib.request.build_opener(urllib.request.ProxyHandler({"http": escapes.url, "https": escapes.url}))
    for url in (location, location.replace("https://", "http://")):
        assert requests.get(url).status_code == (200 if given else 403)
        assert urllib3.PoolManager().request("GET", url).status == (200 if given else 403)
        assert urllib3.ProxyManager(escapes.url).request("GET", url).status == (200 if given else 403)
        assert _urllib_status(proxied, url) == (200 if given else 403)
    # A path that starts with "//" is a path still, not a host.
    host = str(urlsplit(location).hostname)
    doubled = location.replace("/snapshots/", "//snapshots/")
    assert requests.get(doubled).status_code in (200, 403)  # urllib3 1.26 sends it as the single-slash path
    assert urllib3.HTTPSConnectionPool(host).urlopen("GET", urlsplit(doubled).path).status == 403
    # A URL is read as urllib3 reads it (its host ends at a backslash), and a pool of the package host never
    # connects, whatever host a whole URL given to it names.
    odd = urllib3.ProxyManager(escapes.url, retries=False).request("GET", f"http://{host}\\@x/snapshots/y")
    assert odd.status == 403
    elsewhere = urllib3.HTTPSConnectionPool(host).urlopen("GET", "https://example.com/", assert_same_host=False)
    assert elsewhere.status == 403
    with pytest.raises(socket.gaierror, match="lambdamock answers"):  # any other client: the host does not resolve
        http.client.HTTPSConnection(host, timeout=5).request("GET", urlsplit(location).path)
    assert escapes.attempts == []
