"""How a mock shows itself: one-line repr, text tables for print, HTML tables for notebooks."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess

import boto3
import pytest
from botocore.config import Config

from lambdamock import LambdaMock, mock_lambda, package
from tests.helpers import ROLE

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"


def code(body: str) -> dict:
    return {"ZipFile": package({"index.py": f"def handler(event, context):\n    {body}\n"})}


@pytest.fixture
def notebook():
    """A realistic notebook session: versions, a weighted alias, warm and cold runs, an error, an Event."""
    with mock_lambda(seed=1) as mock:
        client = boto3.client("lambda", region_name="us-east-1")

        def create(name: str, body: str, **settings) -> None:
            client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="index.handler",
                                   Code=code(body), **settings)

        create("greeter", "return {'hi': event['name']}")
        client.publish_version(FunctionName="greeter")
        client.update_function_code(FunctionName="greeter", **code("return {'hello': event['name']}"))
        client.publish_version(FunctionName="greeter")
        client.create_alias(
            FunctionName="greeter", Name="live", FunctionVersion="1", Description="canary of v2",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}},
        )
        create("orders", "raise ValueError('no such order: ' + str(event['id']))", MemorySize=512)
        for name in ["ada", "bob", "cy", "dee"]:
            client.invoke(FunctionName="greeter", Qualifier="live", Payload=json.dumps({"name": name}))
        client.invoke(FunctionName="orders", Payload=json.dumps({"id": 42}))
        client.invoke(FunctionName="greeter", InvocationType="Event", Payload=json.dumps({"name": "eve"}))
        mock.queue(QUEUE)
        client.create_event_source_mapping(FunctionName="orders", EventSourceArn=QUEUE, Enabled=False)
        mock.wait()
        yield mock


def test_repr_is_one_line_with_counts(notebook):
    assert repr(notebook) == "<LambdaMock started account=123456789012 functions=2 invocations=6>"
    assert repr(LambdaMock(account_id="111122223333")) == "<LambdaMock not started account=111122223333>"


def test_print_shows_functions_aliases_and_invocations(notebook):
    text = str(notebook)
    assert text.startswith("LambdaMock started · account 123456789012 · concurrency limit 1000 · 2 functions")
    assert "greeter   us-east-1  python3.12  index.handler  128 MB      3 s  $LATEST, 1, 2" in text
    assert "greeter   live   1 → 75% · 2 → 25%  canary of v2" in text
    lines = text.splitlines()
    assert lines[lines.index("Invocations") + 1].split() == ["#", "called", "version", "type", "start", "duration", "result"]
    errors = [line for line in lines if "ValueError: no such order: 42" in line]
    assert len(errors) == 1 and errors[0].startswith("4  orders        $LATEST  RequestResponse  cold (init ")
    assert "Event" in lines[-1] and '{"hello": "eve"}' in lines[-1]
    mapping = lines[lines.index("Event source mappings") + 3].split("  ", 1)[1].split()
    assert mapping == ["us-east-1", "sqs", "orders", "orders", "Disabled", "10", "No", "records", "processed"]


def test_html_tables_carry_the_same_facts(notebook):
    page = notebook._repr_html_()
    assert page.startswith('<div class="lambdamock"><style>')
    for caption in ("Functions", "Aliases", "Event source mappings", "Invocations"):
        assert f"<caption>{caption}</caption>" in page
    assert '<td class="lm-error">ValueError: no such order: 42</td>' in page
    assert page.count('<td class="lm-cold">cold (init ') == 4 and page.count('<td class="lm-muted">warm</td>') == 2
    assert "<td>1 → 75% · 2 → 25%</td>" in page


def test_mappings_show_their_source_state_batching_and_last_result(lambda_mock, client, create_function):
    create_function("ok", Code=code("return None"))
    create_function("bad", Code=code("raise ValueError('no')"))
    good, failing = lambda_mock.queue(QUEUE), lambda_mock.queue(QUEUE + "-2", visibility_timeout=3600)
    uuids = [client.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, **settings)["UUID"]
             for name, arn, settings in [("ok", QUEUE, {"BatchSize": 50, "MaximumBatchingWindowInSeconds": 1}),
                                         ("bad", QUEUE + "-2", {})]]
    good.send("{}")
    failing.send("{}")
    lambda_mock.wait()
    lines = str(lambda_mock).splitlines()
    header = lines.index("Event source mappings") + 1
    assert lines[header].split("  ")[0] == "uuid" and "batch / window" in lines[header]
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in lines[header + 2: header + 4]}
    assert rows[uuids[0]] == "us-east-1 sqs orders ok Enabled 50 / 1 s OK"
    assert rows[uuids[1]] == "us-east-1 sqs orders-2 bad Enabled 10 PROBLEM: Function call failed"
    page = lambda_mock._repr_html_()
    assert "<caption>Event source mappings</caption>" in page
    assert '<td class="lm-error">PROBLEM: Function call failed</td>' in page


def test_a_self_managed_kafka_mapping_shows_its_servers(lambda_mock, client, create_function):
    create_function("ok", Code=code("return None"))
    servers = {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["b-1.example.com:9092", "b-2.example.com:9092"]}}
    uuid = client.create_event_source_mapping(
        FunctionName="ok", SelfManagedEventSource=servers, Topics=["orders"],
        SourceAccessConfigurations=[{"Type": "VPC_SUBNET", "URI": "subnet:subnet-0123456789abcdef0"}])["UUID"]
    lines = str(lambda_mock).splitlines()
    [row] = [line.split() for line in lines if line.startswith(uuid)]
    assert row[1:4] == ["us-east-1", "kafka", "b-1.example.com:9092,b-2.example.com:9092"]


def test_everything_from_the_state_is_escaped(lambda_mock, client, create_function):
    create_function("f", Code=code("return '<img src=x onerror=alert(1)>'"))
    client.create_alias(FunctionName="f", Name="a", FunctionVersion="$LATEST", Description="</table><script>")
    client.invoke(FunctionName="f")
    page = lambda_mock._repr_html_()
    assert "<img" not in page and "<script" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;/table&gt;&lt;script&gt;" in page


def test_a_line_break_in_a_cell_keeps_the_text_table_whole(lambda_mock, client, create_function):
    # Found in review: an error message or a description with a line break started a line at column 0.
    create_function("f", Code=code("raise ValueError('first line\\nsecond line')"))
    client.create_alias(FunctionName="f", Name="a", FunctionVersion="$LATEST", Description="one\ntwo")
    client.invoke(FunctionName="f")
    text = str(lambda_mock)
    assert "ValueError: first line⏎second line" in text and "one⏎two" in text
    assert not any(line.startswith(("second line", "two")) for line in text.splitlines())


def test_long_histories_and_cells_are_cut(lambda_mock, client, create_function):
    create_function("f", Code=code("return 'x' * 500"))
    for _ in range(7):
        client.update_function_configuration(FunctionName="f", Description=str(_))
        client.publish_version(FunctionName="f")
    for _ in range(12):
        client.invoke(FunctionName="f")
    text = str(lambda_mock)
    assert "$LATEST, …, 3, 4, 5, 6, 7" in text
    assert "Recent invocations" in text and "(the last 10 of 12; mock.invocations[i] has every one)" in text
    rows = text.split("Recent invocations")[1].splitlines()[3:13]
    assert [row.split()[0] for row in rows] == [str(index) for index in range(2, 12)]
    assert all(row.endswith('x' * 57 + '…') for row in rows)


def test_empty_and_stopped_mocks():
    mock = mock_lambda(concurrency_limit=50)
    assert str(mock) == "LambdaMock not started · account 123456789012 · start() begins with empty state"
    assert '<span class="lm-state lm-not-started">not started</span>' in mock._repr_html_()
    with mock:
        assert str(mock).splitlines()[-1] == "No functions yet."
        assert "concurrency limit 50" in mock._repr_html_()


def test_print_lays_out_the_functions_table_as_the_notebook_page_shows_it(lambda_mock, client):
    # docs/notebooks.md, "Look at it": the text that print(mock) gives for the page's two functions.
    def create(name: str, **settings) -> None:
        client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 1\n"})},
                               **settings)

    create("greeter")
    client.publish_version(FunctionName="greeter")
    client.update_function_configuration(FunctionName="greeter", Description="v2")
    client.publish_version(FunctionName="greeter")
    create("orders", MemorySize=512, Timeout=30)
    text = str(lambda_mock)
    assert text.startswith("LambdaMock started · account 123456789012 · concurrency limit 1000 · 2 functions · ")
    assert text.split("\n\n")[1] == "\n".join([
        "Functions",
        "function  region     runtime     handler      memory  timeout  versions",
        "--------  ---------  ----------  -----------  ------  -------  -------------",
        "greeter   us-east-1  python3.12  app.handler  128 MB      3 s  $LATEST, 1, 2",
        "orders    us-east-1  python3.12  app.handler  512 MB     30 s  $LATEST",
    ])


def test_concurrency_shows_reservations_provisioned_environments_running_peak_and_throttles(lambda_mock,
                                                                                            create_function):
    # docs/notebooks.md: "concurrency (reservations, provisioned environments, running, peak and throttled
    # invocations)", a section that appears once it has something to show; README lists the sections in order.
    client = boto3.client("lambda", region_name="us-east-1", config=Config(retries={"max_attempts": 0}))
    for name in ("busy", "capped", "warm"):
        create_function(name, Code=code("return 1"))
    assert "Concurrency" not in str(lambda_mock).splitlines()
    client.invoke(FunctionName="busy")
    client.put_function_concurrency(FunctionName="capped", ReservedConcurrentExecutions=0)
    with pytest.raises(client.exceptions.TooManyRequestsException):
        client.invoke(FunctionName="capped")
    client.put_function_concurrency(FunctionName="warm", ReservedConcurrentExecutions=5)
    client.publish_version(FunctionName="warm")
    client.put_provisioned_concurrency_config(FunctionName="warm", Qualifier="1", ProvisionedConcurrentExecutions=2)
    lambda_mock.queue(QUEUE)
    client.create_event_source_mapping(FunctionName="busy", EventSourceArn=QUEUE, Enabled=False)
    lines = str(lambda_mock).splitlines()
    titles = ("Functions", "Concurrency", "Event source mappings", "Invocations")
    assert [line for line in lines if line in titles] == list(titles)
    header = lines.index("Concurrency") + 1
    assert lines[header].split() == ["function", "region", "reserved", "provisioned", "running", "peak", "throttles"]
    rows = {cells[0]: dict(zip(lines[header].split(), cells))
            for cells in (re.split(r" {2,}", line) for line in lines[header + 2: header + 5])}
    assert sorted(rows) == ["busy", "capped", "warm"]
    # No reservation is no number: a reservation of 0 is one that throttles every invocation.
    assert not rows["busy"]["reserved"].isdigit()
    assert (rows["busy"]["running"], rows["busy"]["peak"], rows["busy"]["throttles"]) == ("0", "1", "0")
    assert (rows["capped"]["reserved"], rows["capped"]["peak"], rows["capped"]["throttles"]) == ("0", "0", "1")
    assert rows["warm"]["reserved"] == "5" and rows["warm"]["provisioned"].startswith("1: ")
    assert not rows["busy"]["provisioned"].startswith("1")


def test_an_invocation_row_names_what_was_called_and_the_version_that_ran(lambda_mock, client, create_function):
    # docs/notebooks.md: "Each invocation row has its version"; the # column indexes mock.invocations.
    create_function("f", Code=code("return 1"))
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    client.invoke(FunctionName="f", Qualifier="live")
    client.invoke(FunctionName="f")
    lines = str(lambda_mock).splitlines()
    header = lines.index("Invocations") + 1
    rows = [line.split()[:3] for line in lines[header + 2: header + 4]]
    assert rows == [["0", "f:live", "1"], ["1", "f", "$LATEST"]]
    assert [i.executed_version for i in lambda_mock.invocations] == ["1", "$LATEST"]


def test_a_result_that_looks_like_an_error_is_shown_as_the_result_it_is(lambda_mock, client, create_function):
    # docs/notebooks.md: each row has the "result or error"; a function that returns fine returned a result.
    create_function("f", Code=code("return {'errorType': 'Nope', 'errorMessage': 'all well'}"))
    client.invoke(FunctionName="f")
    assert str(lambda_mock).splitlines()[-1].endswith('{"errorType": "Nope", "errorMessage": "all well"}')
    assert '<td class="lm-error">' not in lambda_mock._repr_html_()


def test_a_stopped_mock_says_so_and_still_shows_what_its_activation_did():
    # docs/notebooks.md, "Stop": a stopped mock says so when displayed, and still shows its tables, frozen.
    mock = mock_lambda()
    mock.start()
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                           Code=code("return 7"))
    client.invoke(FunctionName="f")
    mock.stop()
    assert repr(mock) == "<LambdaMock stopped account=123456789012 functions=1 invocations=1>"
    text = str(mock)
    assert text.startswith("LambdaMock stopped · account 123456789012")
    assert "started" not in text.splitlines()[0]
    assert "Functions" in text.splitlines() and "Invocations" in text.splitlines()
    page = mock._repr_html_()
    assert '<span class="lm-state lm-stopped">stopped</span>' in page
    assert "<caption>Functions</caption>" in page and "<caption>Invocations</caption>" in page


def _browser() -> str:
    found = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if found is None:
        pytest.skip("no headless Chromium here (CI machines have only Python)")
    return found


def test_notebook_view_renders_in_a_browser(notebook, tmp_path):
    # The same output in a light and a dark notebook: colours must come from the page, not from us.
    view = notebook._repr_html_()
    panels = "".join(
        f'<div style="background:{background};color:{color};padding:16px">{view}</div>'
        for background, color in (("#ffffff", "#1f1f1f"), ("#111111", "#d4d4d4"))
    )
    page = tmp_path / "notebook.html"
    page.write_text(f'<!doctype html><meta charset="utf-8"><body style="margin:0;font-family:sans-serif">{panels}</body>')
    shot = tmp_path / "notebook.png"
    width, height = 1000, 1000
    command = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    command += [f"--screenshot={shot}", f"--window-size={width},{height}", page.as_uri()]
    subprocess.run(command, capture_output=True, timeout=120, check=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (width, height)
    # A blank page compresses to a few kilobytes; two themes of tables do not.
    assert len(data) > 30_000
