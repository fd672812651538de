"""A function URL's own address (the FunctionUrl AWS gives), called through requests, urllib3 or urllib.request,
reaches the function through its loopback port: the call works as on AWS, and nothing leaves the machine."""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import boto3
import pytest
import requests
import urllib3
from moto import mock_aws

from lambdamock import LambdaMock, mock_lambda
from tests.escapes import Proxy
from tests.escapes import escapes as escapes  # a fixture, found by pytest by its name here (the alias marks it used)
from tests.helpers import TRUST
from tests.url_helpers import FORBIDDEN, OPENER, public

REGION = "us-east-1"
# Not a URL of the mock's: AWS refuses it so (recorded: LocalStack test_lambda.py,
# TestLambdaURL::test_lambda_url_non_existing_url).
UNKNOWN = f"https://{'a' * 32}.lambda-url.{REGION}.on.aws/"


@pytest.fixture(params=["alone", "moto outside", "moto inside"])
def address(request: pytest.FixtureRequest) -> Iterator[str]:
    """The FunctionUrl of a public echo function: lambdamock alone, or beside moto's mock (which takes requests')."""
    if request.param == "alone":
        with mock_lambda() as mock:
            yield _echo(mock)
    elif request.param == "moto outside":
        with mock_aws(), mock_lambda() as mock:
            yield _echo(mock, moto=True)
    else:
        with mock_lambda() as mock, mock_aws():
            yield _echo(mock, moto=True)


def _echo(mock: LambdaMock, moto: bool = False) -> str:
    client = boto3.client("lambda", region_name=REGION)
    if moto:  # the role public() names, made in moto's IAM, where lambdamock looks for it
        boto3.client("iam", region_name=REGION).create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
    public(client, mock)
    return str(client.get_function_url_config(FunctionName="f")["FunctionUrl"])


def _seen(body: bytes) -> tuple[str, str, str, str]:
    event = json.loads(body)
    return (event["requestContext"]["http"]["method"], event["rawPath"], event["rawQueryString"],
            event["headers"]["host"])


def test_requests_reach_the_function_at_its_address(address: str) -> None:
    host = address.split("/")[2]
    response = requests.get(address + "a/b?x=1&y=2")
    assert response.status_code == 200 and response.headers["x-amzn-RequestId"]
    assert _seen(response.content) == ("GET", "/a/b", "x=1&y=2", host)
    posted = requests.post(address + "items", json={"k": 1})
    assert _seen(posted.content)[:2] == ("POST", "/items") and json.loads(posted.json()["body"]) == {"k": 1}
    assert _seen(urllib3.PoolManager().request("DELETE", address).data)[:2] == ("DELETE", "/")


def test_urllib_request_reaches_the_function_at_its_address(address: str) -> None:
    with urllib.request.urlopen(urllib.request.Request(address + "p?q=1", data=b"{}", method="PUT")) as response:
        assert response.status == 200 and response.url == address + "p?q=1"
        assert _seen(response.read())[:3] == ("PUT", "/p", "q=1")


def test_an_address_the_mock_did_not_give_is_refused_as_aws_refuses_it(address: str) -> None:
    # An unknown id, and the URL's own id in another region's host name: neither is an address the mock gave.
    for unknown in (UNKNOWN, address.replace(f".{REGION}.", ".us-west-2.")):
        response = requests.get(unknown)
        assert (response.status_code, response.json()) == (403, {"Message": None})
        assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException" and response.headers["x-amzn-RequestId"]
        assert response.reason == "Forbidden"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unknown)
        assert (refused.value.code, refused.value.read()) == (403, b'{"Message":null}')
        assert refused.value.reason == "Forbidden" and refused.value.url == unknown


def test_a_deleted_urls_address_is_refused_as_aws_refuses_it() -> None:
    # Recorded: LocalStack test_lambda.py, TestLambdaURL::test_lambda_url_persists_after_alias_delete (403, with
    # x-amzn-ErrorType AccessDeniedException), for a URL whose config is gone.
    with mock_lambda() as mock:
        address = _echo(mock)
        boto3.client("lambda", region_name=REGION).delete_function_url_config(FunctionName="f")
        response = requests.get(address)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        assert mock.invocations == []


def test_an_alias_has_its_own_address() -> None:
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name=REGION)
        public(client, mock, "def handler(event, context):\n    return 'own'\n")
        client.create_alias(FunctionName="f", Name="live", FunctionVersion=client.publish_version(
            FunctionName="f")["Version"])
        aliased = client.create_function_url_config(FunctionName="f", Qualifier="live", AuthType="NONE")
        client.add_permission(FunctionName="f", Qualifier="live", StatementId="url",
                              Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")
        assert requests.get(aliased["FunctionUrl"]).text == "own"
        assert mock.invocations[-1].qualifier == "live"


def test_a_call_to_an_address_never_leaves_the_machine(escapes: Proxy) -> None:
    with mock_lambda() as mock:
        address = _echo(mock)
        proxied = urllib.request.build_opener(urllib.request.ProxyHandler({"http": escapes.url, "https": escapes.url}))
        for url in (address, address.replace("https://", "http://"), UNKNOWN):
            expected = 403 if url == UNKNOWN else 200
            assert requests.get(url).status_code == expected  # through the proxy the environment names
            assert urllib3.ProxyManager(escapes.url).request("GET", url).status == expected
            try:
                with proxied.open(url) as response:
                    assert response.status == expected
            except urllib.error.HTTPError as error:
                assert error.code == expected
    assert escapes.attempts == []


def test_a_host_that_only_begins_with_a_urls_host_name_is_another_host(escapes: Proxy) -> None:
    # Another host under .aws, whose name starts with the URL's: the mock leaves it to the client, which sends it to
    # the proxy the environment names, and the function is not invoked.
    with mock_lambda() as mock:
        host = _echo(mock).split("/")[2]
        other = f"http://{host}.example.aws/"
        assert requests.get(other).status_code == 403  # the recording proxy's answer
        assert escapes.attempts == [f"GET {other} HTTP/1.1"] and mock.invocations == []


def test_threads_calling_an_address_each_get_their_own_answer() -> None:
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name=REGION)
        public(client, mock, "def handler(event, context):\n    return event['rawQueryString']\n")
        address = client.get_function_url_config(FunctionName="f")["FunctionUrl"]
        # More threads than the server serves connections at once (16): none of theirs is kept idle, holding one of
        # its threads, so none waits for an idle connection to time out (5 s; see urls.md, "The server").
        with ThreadPoolExecutor(32) as pool:
            answers = list(pool.map(lambda n: requests.get(f"{address}?{n}", timeout=4).text, range(96)))
        assert answers == [str(n) for n in range(96)] and len(mock.invocations) == 96


def test_a_redirect_to_the_functions_own_host_is_followed_to_it() -> None:
    source = ("def handler(event, context):\n"
              "    if event['rawPath'] == '/old':\n"
              "        return {'statusCode': 302, 'headers': {'Location': f\"https://{event['headers']['host']}/new\"}}\n"
              "    return {'statusCode': 200, 'body': event['rawPath']}\n")
    with mock_lambda() as mock:
        loopback = public(boto3.client("lambda", region_name=REGION), mock, source)
        for start in (loopback, boto3.client("lambda", region_name=REGION).get_function_url_config(
                FunctionName="f")["FunctionUrl"]):
            response = requests.get(start + "old")
            assert ([r.status_code for r in response.history], response.text) == ([302], "/new")
            with OPENER.open(start + "old") as followed:
                assert followed.read() == b"/new"


def test_other_clients_find_that_an_address_does_not_resolve(escapes: Proxy) -> None:
    # http.client (under httpx's and aiohttp's kind of client too) and asyncio look the host up themselves: a
    # handed-out host is not resolved, so nothing is sent to AWS's, and the error says what does answer it.
    with mock_lambda() as mock:
        host = _echo(mock).split("/")[2]
        hint = re.escape(f"lambdamock answers {host} itself") + ".*" + re.escape("mock.function_url()")
        for connect in (lambda: socket.create_connection((host, 443)),
                        lambda: http.client.HTTPSConnection(host, timeout=5).request("GET", "/"),
                        lambda: asyncio.run(asyncio.open_connection(host, 443)),
                        lambda: socket.getaddrinfo(host.encode(), 443),  # a name as bytes, as the resolver takes it
                        lambda: socket.getaddrinfo(host=host, port=443)):
            with pytest.raises(socket.gaierror, match=hint):
                connect()
        # DNS names are case-insensitive (RFC 4343), and a trailing dot names the same host (RFC 1034, 3.1).
        for spelled in (host.split(".", 1)[0].upper() + host[32:], host.upper(), host.upper() + "."):
            with pytest.raises(socket.gaierror, match="lambdamock answers"):
                socket.getaddrinfo(spelled, 443)
        assert socket.getaddrinfo("localhost", 80)  # any other host resolves as before
    assert escapes.attempts == []


def test_an_address_is_reached_however_a_client_spells_its_host(address: str) -> None:
    # A name's case does not matter (RFC 4343), and a trailing dot names the same host (RFC 1034, 3.1).
    host = address.split("/")[2]
    for spelled in (f"{host}.", host.upper()):
        url = address.replace(host, spelled) + "a?x=1"
        assert _seen(requests.get(url).content)[:3] == ("GET", "/a", "x=1")
        with urllib.request.urlopen(url) as response:
            assert _seen(response.read())[:3] == ("GET", "/a", "x=1")


def test_the_path_and_query_reach_the_function_as_sent(address: str) -> None:
    # rawPath is the path after the host as sent, whatever it starts with: a URL id's too (a loopback path
    # would name the URL by it).
    host, url_id = address.split("/")[2], address.split("/")[2][:32]
    for other in (url_id, "a" * 32):
        assert _seen(requests.get(f"{address}{other}/x?y=1").content)[1:3] == (f"/{other}/x", "y=1")
        with urllib.request.urlopen(f"{address}{other}/x") as response:
            assert _seen(response.read())[1] == f"/{other}/x"
    with urllib.request.urlopen(f"https://{host}?y=1") as response:  # no path at all: the root
        assert _seen(response.read())[1:3] == ("/", "y=1")
    # urllib.request sends the body and the headers it was given.
    sent = urllib.request.Request(address + "p", data=b'{"k": 1}', method="PUT",
                                  headers={"Content-Type": "application/json", "X-Mine": "v"})
    with urllib.request.urlopen(sent) as response:
        event = json.loads(response.read())
        assert (event["body"], event["headers"]["x-mine"], response.reason) == ('{"k": 1}', "v", "OK")


def test_a_proxy_or_a_pool_of_the_host_sends_to_the_function(escapes: Proxy) -> None:
    with mock_lambda() as mock:
        address = _echo(mock)
        host = address.split("/")[2]
        # Through an HTTP proxy, an http:// URL is given whole to the proxy's pool: its path and query are kept.
        plain = address.replace("https://", "http://") + "p?x=1"
        assert _seen(urllib3.ProxyManager(escapes.url).request("GET", plain).data)[:3] == ("GET", "/p", "x=1")
        assert _seen(requests.get(plain).content)[:3] == ("GET", "/p", "x=1")  # through the environment's proxy
        # A pool of the host sends to its host whatever URL it is given, as urllib3 does.
        pool = urllib3.HTTPSConnectionPool(host)
        assert _seen(pool.urlopen("GET", "https://example.com/q?y=2", assert_same_host=False).data)[1:3] == (
            "/q", "y=2")
    assert escapes.attempts == []


def test_a_clients_timeout_holds_at_an_address(tmp_path: Path) -> None:
    # The handler waits for a file the test makes once the client gave up: a call must end at the client's timeout.
    go = tmp_path / "go"
    source = ("import os, time\n"
              "def handler(event, context):\n"
              "    deadline = time.monotonic() + 20\n"
              f"    while not os.path.exists({str(go)!r}) and time.monotonic() < deadline:\n"
              "        time.sleep(0.01)\n"
              "    return 'done'\n")
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name=REGION)
        public(client, mock, source)
        address = client.get_function_url_config(FunctionName="f")["FunctionUrl"]
        try:
            with pytest.raises(OSError) as waited:
                urllib.request.urlopen(address, timeout=0.5)
            assert not isinstance(waited.value, urllib.error.HTTPError)  # no answer came: it timed out
            with pytest.raises(requests.exceptions.Timeout):
                requests.get(address, timeout=0.5)
        finally:
            go.touch()
