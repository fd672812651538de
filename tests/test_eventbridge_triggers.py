"""EventBridge (moto's) invoking lambdamock's functions, as Lambda's trigger: the event, targets' inputs, permissions.

Event shape: EventBridge's "Amazon EventBridge events" page.
"""

from __future__ import annotations

import datetime
import json
import re
import warnings
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.helpers import moto_role
from tests.trigger_helpers import ACCOUNT, REGION, World

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.trigger_helpers import world as world


def rule(world: World, *targets: dict[str, Any], state: str = "ENABLED") -> tuple[Any, str]:
    events = boto3.client("events", region_name=REGION)
    arn = events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}), State=state)["RuleArn"]
    events.put_targets(Rule="orders", Targets=list(targets))
    return events, arn


def put(events: Any, detail: dict[str, Any]) -> str:
    answer = events.put_events(Entries=[{"Source": "shop", "DetailType": "Order placed", "Detail": json.dumps(detail),
                                         "Resources": ["arn:aws:shop:::order/1"]}])
    return str(answer["Entries"][0]["EventId"])


def test_eventbridge_invokes_with_the_event(world: World) -> None:
    events, arn = rule(world, {"Id": "f", "Arn": world.arn})
    world.allow("events.amazonaws.com", arn)
    event_id = put(events, {"order": 1})
    [event] = world.events()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event.pop("time"))
    assert event == {"version": "0", "id": event_id, "detail-type": "Order placed", "source": "shop",
                     "account": ACCOUNT, "region": REGION, "resources": ["arn:aws:shop:::order/1"],
                     "detail": {"order": 1}}


def test_a_replayed_event_names_its_replay(world: World) -> None:
    # Recorded: LocalStack's test_archive_and_replay.snapshot.json (test_start_list_describe_canceled_replay): a
    # replayed event has "replay-name", the replay's name; the original has none.
    events, arn = rule(world, {"Id": "f", "Arn": world.arn})
    world.allow("events.amazonaws.com", arn)
    bus = events.describe_event_bus()["Arn"]
    archive = events.create_archive(ArchiveName="orders", EventSourceArn=bus)["ArchiveArn"]
    put(events, {"order": 2})
    now = datetime.datetime.now(datetime.timezone.utc)
    events.start_replay(ReplayName="again", EventSourceArn=archive, Destination={"Arn": bus},
                        EventStartTime=now - datetime.timedelta(hours=1), EventEndTime=now + datetime.timedelta(hours=1))
    got = world.events()
    assert sorted(str(event.pop("replay-name", None)) for event in got) == ["None", "again"]
    assert [event["detail"] for event in got] == [{"order": 2}] * 2


def test_eventbridge_target_input_options(world: World) -> None:
    events, arn = rule(
        world,
        {"Id": "path", "Arn": world.arn, "InputPath": "$.detail"},
        {"Id": "constant", "Arn": world.arn, "Input": '{"fixed": true}'},
        {"Id": "transformed", "Arn": world.arn, "InputTransformer": {
            "InputPathsMap": {"order": "$.detail.order", "source": "$.source"},
            "InputTemplate": '{"id": <order>, "text": "order <order> from <source>", "rule": "<aws.events.rule-name>"}'}},
    )
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 7})
    got = sorted(world.events(), key=json.dumps)
    assert got == sorted([{"order": 7}, {"fixed": True}, {"id": 7, "text": "order 7 from shop", "rule": "orders"}],
                         key=json.dumps)


def test_the_ingestion_time_is_when_eventbridge_got_the_event_not_its_time(world: World) -> None:
    # "aws.events.event.ingestion-time: The time at which the event was received by EventBridge" (EventBridge's
    # input transformation guide, predefined variables); an event's Time may be any the sender chose.
    template = {"InputTemplate": '{"time": "<aws.events.event.ingestion-time>"}'}
    events, arn = rule(world, {"Id": "t", "Arn": world.arn, "InputTransformer": template},
                       {"Id": "u", "Arn": world.arn, "InputTransformer": template})
    world.allow("events.amazonaws.com", arn)
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Order placed", "Detail": "{}",
                                "Time": datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)}])
    first, second = world.events()
    assert first == second  # one event, one time at which EventBridge received it
    ingested = datetime.datetime.strptime(first["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert before <= ingested <= datetime.datetime.now(datetime.timezone.utc)


def test_moto_s_eventbridge_events_for_s3_api_calls_are_asynchronous_and_need_the_policy(world: World) -> None:
    # moto sends them (a rule on CreateBucket) through its own Lambda's invoke; EventBridge invokes a function
    # "asynchronously" (services-cloudwatchevents) and only as its resource policy allows (eb-use-resource-based).
    events = boto3.client("events", region_name=REGION)

    def rule(name: str, event_name: str, **extra: Any) -> str:
        pattern = json.dumps({"source": ["aws.s3"], "detail": {"eventName": [event_name]}})
        found = events.put_rule(Name=name, EventPattern=pattern, **extra)["RuleArn"]
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": world.arn}])
        return str(found)

    # Rules the event does not match, made first: they are not the event's source.
    rule("deleted", "DeleteBucket")
    rule("disabled", "CreateBucket", State="DISABLED")
    first, second = rule("created", "CreateBucket"), rule("also-created", "CreateBucket")
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="refused")
    assert world.events() == []
    assert [(trigger.source_arn, "does not allow events.amazonaws.com" in str(trigger.error))
            for trigger in world.mock.triggers] == [(first, True), (second, True)]
    world.allow("events.amazonaws.com", second)
    s3.create_bucket(Bucket="taken")
    [event] = world.events()  # the rule whose policy allows it
    assert event["source"] == "aws.s3" and world.mock.triggers[-1].source_arn == second
    assert world.mock.invocations[0].invocation_type == "Event"


def test_moto_s_eventbridge_events_for_s3_api_calls_take_the_target_s_input(world: World) -> None:
    # As any event: a target's Input replaces the event ("nothing from the event itself is passed to the target":
    # botocore's events model, Target.Input), and an InputTransformer shapes it.
    events = boto3.client("events", region_name=REGION)

    def rule(name: str, **target: Any) -> None:
        pattern = json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
                              "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["CreateBucket"]}})
        events.put_rule(Name=name, EventPattern=pattern)
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": world.arn, **target}])

    world.lam.add_permission(FunctionName="f", StatementId="events", Action="lambda:InvokeFunction",
                             Principal="events.amazonaws.com")  # any rule's
    rule("fixed", Input='{"fixed": 1}')
    rule("shaped", InputTransformer={"InputPathsMap": {"bucket": "$.detail.bucket.name", "source": "$.source"},
                                     "InputTemplate": '{"bucket": <bucket>, "source": <source>}'})
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="mine")
    assert sorted(world.events(), key=str) == [{"bucket": "mine", "source": "aws.s3"}, {"fixed": 1}]


def test_eventbridge_keeps_moto_s_other_targets(world: World) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="copies")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events, arn = rule(world, {"Id": "f", "Arn": world.arn}, {"Id": "q", "Arn": queue})
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 3})
    assert len(world.events()) == 1
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"])["detail"] == {"order": 3}


def test_eventbridge_without_permission_or_when_disabled_does_not_invoke(world: World) -> None:
    events, arn = rule(world, {"Id": "f", "Arn": world.arn}, state="DISABLED")
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 4})
    assert world.events() == []
    events.enable_rule(Name="orders")
    world.lam.remove_permission(FunctionName="f", StatementId="events")
    put(events, {"order": 5})
    assert world.events() == []
    [trigger] = world.mock.triggers
    assert trigger.source_arn == arn and "does not allow events.amazonaws.com" in str(trigger.error)


def test_a_rule_enabled_for_cloudtrail_management_events_too_is_enabled(world: World) -> None:
    # "The rule is enabled for all events, including AWS management events delivered through CloudTrail" (Rule.State).
    events, arn = rule(world, {"Id": "f", "Arn": world.arn}, state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 6})
    assert [event["detail"] for event in world.events()] == [{"order": 6}]


def test_a_scheduled_rule_is_not_invoked_by_events(world: World) -> None:
    # AWS's PutRule: a rule with a ScheduleExpression and no EventPattern triggers on its schedule only
    # (lambdamock runs no schedules); one with both also triggers on matching events.
    events = boto3.client("events", region_name=REGION)
    for name, pattern in (("nightly", None), ("both", {"source": ["shop"]})):
        extra = {} if pattern is None else {"EventPattern": json.dumps(pattern)}
        arn = events.put_rule(Name=name, ScheduleExpression="rate(1 day)", **extra)["RuleArn"]
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": world.arn, "Input": json.dumps({"rule": name})}])
        world.lam.add_permission(FunctionName="f", StatementId=name, Action="lambda:InvokeFunction",
                                 Principal="events.amazonaws.com", SourceArn=arn)
    put(events, {"order": 6})
    assert world.events() == [{"rule": "both"}]


def patterned(world: World, **patterns: dict[str, Any]) -> Any:
    """Rules named as given, each with its pattern, each sending the function its name."""
    events = boto3.client("events", region_name=REGION)
    for name, pattern in patterns.items():
        arn = events.put_rule(Name=name, EventPattern=json.dumps(pattern))["RuleArn"]
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": world.arn, "Input": json.dumps({"rule": name})}])
        world.lam.add_permission(FunctionName="f", StatementId=name, Action="lambda:InvokeFunction",
                                 Principal="events.amazonaws.com", SourceArn=arn)
    return events


def test_a_rule_matches_as_eventbridge_matches_where_moto_does_not(world: World) -> None:
    # Recorded: LocalStack's test_events_targets.py,
    # TestEventsTargetLambda::test_put_events_with_target_lambda_list_entry (AWS-validated): an object of the
    # pattern over an array of objects matches when one of them matches. And its event_pattern_templates,
    # exists_list_empty_NEG (TestEventPattern against AWS): an empty array does not exist. moto's matcher reads
    # both the other way.
    events = patterned(world, listed={"source": ["shop"], "detail": {"automations": {"id": [{"exists": True}]}}},
                       tagged={"source": ["shop"], "detail": {"tags": [{"exists": True}]}})
    put(events, {"automations": [{"key": "value"}, {"id": "123", "actions": []}]})
    put(events, {"tags": []})
    assert world.events() == [{"rule": "listed"}]


def test_a_rule_matches_the_event_as_eventbridge_shapes_it(world: World) -> None:
    # EventBridge's content-filtering guide matches "time" by prefix ("2017-10-02" of "2017-10-02T12:00:00Z"), and
    # its events have no "ingestion-time" (moto keeps its time in seconds, and one).
    events = patterned(world, dated={"source": ["shop"], "time": [{"prefix": "2017-10-02"}],
                                     "ingestion-time": [{"exists": False}]})
    for day in (1, 2):
        events.put_events(Entries=[{"Source": "shop", "DetailType": "Order placed", "Detail": "{}",
                                    "Time": datetime.datetime(2017, 10, day, 12, tzinfo=datetime.timezone.utc)}])
    assert world.events() == [{"rule": "dated"}]


def test_a_pattern_on_a_key_and_on_a_dotted_key_under_it_matches_both_paths(world: World) -> None:
    # "app" and "app.kubernetes.io/name" (Kubernetes-style labels) are two paths, in the pattern and in the event.
    events = patterned(world, labelled={"detail": {"labels": {"app": ["web"], "app.kubernetes.io/name": ["web"]}},
                                        "time": [{"prefix": "2017-10-02"}]})
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Deployed", "Time": datetime.datetime(
        2017, 10, 2, 12, tzinfo=datetime.timezone.utc), "Detail": json.dumps(
        {"labels": {"app": "web", "app.kubernetes.io/name": "web"}})}])
    assert world.events() == [{"rule": "labelled"}]


def test_an_event_nested_deep_is_matched(world: World) -> None:
    events = patterned(world, deep={"source": ["shop"], "detail": {"a": [{"exists": True}]}})
    nested: Any = 1
    for _ in range(900):  # arrays in arrays, about as deep as moto reads an event
        nested = [nested]
    put(events, {"a": nested})
    assert world.events() == [{"rule": "deep"}]


def test_a_pattern_eventbridge_refuses_but_moto_took_matches_as_moto_matches_it(world: World) -> None:
    # EventBridge refuses an operator it does not know (operator_case_sensitive_EXC: "EXISTS"); moto takes it, and
    # lets it match anything. A test written against moto keeps what it saw there.
    events = patterned(world, unknown={"source": [{"EXISTS": True}]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # older moto warns that it matches an operator it does not know
        put(events, {"order": 1})
    assert world.events() == [{"rule": "unknown"}]


def test_without_lambdamock_moto_keeps_its_own_behaviour() -> None:
    mock_lambda().start().stop()  # the bridge is installed, and stays
    with mock_aws():
        sns = boto3.client("sns", region_name=REGION)
        arn = sns.create_topic(Name="orders")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q")
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="q")
        assert sns.publish(TopicArn=arn, Message="to moto")["MessageId"]


def test_eventbridge_input_transformer_fills_its_template_as_recorded(world: World) -> None:
    # Recorded: LocalStack's test_events_inputs.snapshot.json (test_input_transformer_nested_keys_replacement,
    # its _not_valid variant, test_put_events_with_input_transformer_input_template_json and _string,
    # test_input_transformer_predefined_variables).
    paths = {"userId": "$.detail.payload.acc_id", "payload": "$.detail.payload", "list": "$.detail.levels",
             "missing": "$.detail.notinmessage"}

    def target(name: str, template: str) -> dict[str, Any]:
        return {"Id": name, "Arn": world.arn, "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}

    events, arn = rule(world, target("json", '{"command": <missing>, "bod": <payload>, "path": "users/<userId>"}'),
                       target("text", '"Payload of <payload> at <list> by <userId><missing>!"'),
                       target("spoiled", '{"levels": "<list>"}'),
                       target("event", '{"original": <aws.events.event>}'))
    world.allow("events.amazonaws.com", arn)
    event_id = put(events, {"payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}, "levels": ["HIGH", "LOW"]})

    got = world.events()
    assert {"command": "", "bod": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}, "path": "users/0a787ecb-4015"} in got
    assert "Payload of {acc_id:0a787ecb-4015,sf_id:baz} at [HIGH,LOW] by 0a787ecb-4015!" in got
    [original] = [event["original"] for event in got if isinstance(event, dict) and "original" in event]
    assert list(original) == ["id", "account", "detailType", "time", "source", "region", "resources", "version"]
    assert (original["id"], original["detailType"]) == (event_id, "Order placed")
    assert len(got) == 3  # the spoiled template (a list inside quotes) is not sent
    [dropped] = [trigger for trigger in world.mock.triggers if trigger.error]
    assert (dropped.source_arn, dropped.error) == (arn, "not sent: the input transformer's output is not JSON")


def test_eventbridge_input_transformer_fills_the_rule_s_variables_and_the_whole_event(world: World) -> None:
    # Recorded: LocalStack's test_events_inputs.snapshot.json, test_input_transformer_predefined_variables
    # (AWS-validated): <aws.events.rule-arn> and <aws.events.rule-name> are the rule's ARN and name, and
    # <aws.events.event.json> is the whole event as EventBridge delivers it, its detail too.
    events, arn = rule(world, {"Id": "plain", "Arn": world.arn},
                       {"Id": "names", "Arn": world.arn, "InputTransformer": {
                           "InputTemplate": '"Rule <aws.events.rule-arn> named <aws.events.rule-name>"'}},
                       {"Id": "json", "Arn": world.arn, "InputTransformer": {
                           "InputTemplate": '{"originalEventJson": <aws.events.event.json>}'}})
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 8})
    got = world.events()
    assert f"Rule {arn} named orders" in got
    [plain] = [event for event in got if isinstance(event, dict) and "detail" in event]
    [whole] = [event["originalEventJson"] for event in got if isinstance(event, dict) and "originalEventJson" in event]
    assert whole == plain and whole["detail"] == {"order": 8}


def test_an_escaped_quote_in_a_template_s_string_leaves_its_placeholders_inside_the_string(world: World) -> None:
    # As recorded above (test_input_transformer_nested_keys_replacement), a placeholder inside a JSON string goes in
    # as its text; \" inside that string is an escaped quote, which does not end it.
    events, arn = rule(world, {"Id": "f", "Arn": world.arn, "InputTransformer": {
        "InputPathsMap": {"source": "$.source"}, "InputTemplate": '{"text": "5\\" from <source>"}'}})
    world.allow("events.amazonaws.com", arn)
    put(events, {})
    assert world.events() == [{"text": '5" from shop'}]


def test_eventbridge_input_paths_take_array_indices(world: World) -> None:
    # EventBridge's "Amazon EventBridge input transformation": its JSON paths support "array indices" besides dot
    # notation.
    paths = {"first": "$.resources[0]", "level": "$.detail.levels[1].name"}
    template = '{"first": <first>, "level": <level>}'
    events, arn = rule(world, {"Id": "f", "Arn": world.arn,
                               "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}})
    world.allow("events.amazonaws.com", arn)
    put(events, {"levels": [{"name": "HIGH"}, {"name": "LOW"}]})
    assert world.events() == [{"first": "arn:aws:shop:::order/1", "level": "LOW"}]


TRACED = "import os\ndef handler(event, context):\n    return os.environ['_X_AMZN_TRACE_ID']\n"
ROOT = "1-67f4141f-e1cd7672871da115129f8b19"
ENTRY_ROOT = "1-67f4141f-aaaaaaaaaaaaaaaaaaaaaaaa"


def traced_rule(world: World, bus: str = "default") -> Any:
    """A rule on ``bus`` whose target returns its _X_AMZN_TRACE_ID; an events client whose requests carry ROOT."""
    traced = world.lam.create_function(FunctionName="traced", Runtime="python3.12", Role=moto_role(),
                                       Handler="app.handler", Code={"ZipFile": package({"app.py": TRACED})})
    events = boto3.client("events", region_name=REGION)
    rule_arn = events.put_rule(Name="orders", EventBusName=bus, EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    events.put_targets(Rule="orders", EventBusName=bus, Targets=[{"Id": "traced", "Arn": traced["FunctionArn"]}])
    world.lam.add_permission(FunctionName="traced", StatementId="events", Action="lambda:InvokeFunction",
                             Principal="events.amazonaws.com", SourceArn=rule_arn)
    events.meta.events.register("before-send.events.*", traced_request)
    return events


def traced_request(request: Any, **_: Any) -> None:
    request.headers["X-Amzn-Trace-Id"] = f"Root={ROOT};Parent=d0ee9531727135a0;Sampled=1"


def last_trace(world: World) -> str:
    world.mock.wait()
    return str(world.mock.invocations[-1].result)


@pytest.mark.parametrize("through_a_second_bus", [False, True], ids=["rule", "bus-to-bus"])
def test_a_function_continues_the_x_ray_trace_of_put_events(world: World, through_a_second_bus: bool) -> None:
    # Recorded on AWS: LocalStack's test_x_ray_trace_propagation.py, test_xray_trace_propagation_events_lambda
    # (validated 2025-04-08) and, through a second bus, test_xray_trace_propagation_events_events (2025-04-10):
    # the function's _X_AMZN_TRACE_ID has the Root of PutEvents' X-Amzn-Trace-Id.
    events = boto3.client("events", region_name=REGION)
    if through_a_second_bus:
        bus = events.create_event_bus(Name="second")["EventBusArn"]
        events.put_rule(Name="forward", EventPattern=json.dumps({"source": ["shop"]}))
        events.put_targets(Rule="forward", Targets=[{"Id": "bus", "Arn": bus, "RoleArn": moto_role()}])
    events = traced_rule(world, "second" if through_a_second_bus else "default")
    put(events, {})
    assert last_trace(world).startswith(f"Root={ROOT};Parent=")
    events.meta.events.unregister("before-send.events.*", traced_request)
    put(events, {})  # a request without a trace: the invocation starts one of its own
    trace = last_trace(world)
    assert len(world.mock.invocations) == 2 and ROOT not in trace


def test_an_entry_s_trace_header_comes_first_and_replays_carry_no_trace(world: World) -> None:
    # EventBridge's guide, "Amazon EventBridge integration with AWS X-Ray": a PutEventsRequestEntry's TraceHeader
    # overrides the HTTP trace header; "If you replay archived events, the trace header isn't included".
    events = traced_rule(world)
    bus = events.describe_event_bus()["Arn"]
    archive = events.create_archive(ArchiveName="orders", EventSourceArn=bus)["ArchiveArn"]
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Order placed", "Detail": "{}",
                                "TraceHeader": f"Root={ENTRY_ROOT};Parent=d0ee9531727135a0;Sampled=1"}])
    assert last_trace(world).startswith(f"Root={ENTRY_ROOT};Parent=")
    now = datetime.datetime.now(datetime.timezone.utc)
    events.start_replay(ReplayName="again", EventSourceArn=archive, Destination={"Arn": bus},
                        EventStartTime=now - datetime.timedelta(hours=1), EventEndTime=now + datetime.timedelta(hours=1))
    trace = last_trace(world)
    assert len(world.mock.invocations) == 2 and ROOT not in trace and ENTRY_ROOT not in trace
