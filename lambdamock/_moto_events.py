"""EventBridge's deliveries from moto to lambdamock's functions: rules' targets, moto's events for S3 API calls.

A rule's function targets get the event as the target's input makes it, and continue the X-Ray trace of the
PutEvents request (or of its entry's TraceHeader). Installed by _moto.bridge, beside its other wrappers.
"""

from __future__ import annotations

import contextvars
import copy
from typing import Any, Mapping, Optional

from lambdamock import _moto_s3, ids
from lambdamock._moto import _argument, _serving

# While moto sends an EventBridge event for an S3 API call: its source, its eventName, and how many times each
# function was sent it so far.
_NOTIFYING: contextvars.ContextVar[Optional[tuple[str, str, dict[tuple[str, str], int]]]] = contextvars.ContextVar(
    "lambdamock_notifying", default=None)
# The X-Ray trace header of the PutEvents request moto answers on this thread, and the TraceHeader of the entry it
# is putting: the functions the entry's event reaches continue that trace.
_REQUEST_TRACE: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("lambdamock_request_trace", default=None)
_ENTRY_TRACE: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("lambdamock_entry_trace", default=None)


def put_events_request(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """EventsHandler.put_events(): while moto answers a PutEvents request, the functions its rules invoke continue
    the request's X-Ray trace.

    Recorded on AWS: LocalStack's test_x_ray_trace_propagation.py (test_xray_trace_propagation_events_lambda,
    and test_xray_trace_propagation_events_events through a second bus): the function's _X_AMZN_TRACE_ID has
    the Root of PutEvents' X-Amzn-Trace-Id. EventBridge's X-Ray guide: an entry's TraceHeader overrides the
    header; only PutEvents passes a trace on (not replays, partners' events, schedules or AWS services).
    """
    token = _REQUEST_TRACE.set(ids.sent_trace(instance.headers))
    try:
        return wrapped(*args, **kwargs)
    finally:
        _REQUEST_TRACE.reset(token)


def send_to_targets(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # Rule.send_to_targets(event, transform_input=True): moto has no Lambda targets; lambdamock takes
    # its functions' and leaves the rest to moto.
    mine = [target for target in instance.targets if _serving(target.get("Arn")) is not None]
    if not mine:
        return wrapped(*args, **kwargs)
    rest = [target for target in instance.targets if target not in mine]
    if rest:
        clone = copy.copy(instance)
        clone.targets = rest
        wrapped.__func__(clone, *args, **kwargs)
    # An S3 event S3 does not send (see _moto_s3), or one for another bus than the default one, which S3 sends its
    # events to alone: moto's own targets get what moto sends them.
    if _moto_s3.spurious() or (_moto_s3.sending() and instance.event_bus_name != "default"):
        return None
    from lambdamock.sources import trigger_events

    event = _moto_s3.eventbridge_event(_argument(args, kwargs, 0, "original_event"))
    shaped = trigger_events.eventbridge(event)
    # A rule with a schedule alone matches no event (AWS's PutRule: a rule with both "triggers on matching
    # events as well as on a schedule"); moto's empty pattern matches every event.
    # ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled too ("enabled for all events, including AWS
    # management events delivered through CloudTrail", the Rule's State).
    if (not str(getattr(instance, "state", "ENABLED")).startswith("ENABLED") or not instance.event_pattern.dump()
            or not _matches(instance.event_pattern, event, shaped)):
        return None
    for target in mine:
        _to_target(instance, target, shaped)
    return None


def _matches(pattern: Any, event: Mapping[str, Any], shaped: Mapping[str, Any]) -> bool:
    """Whether a rule's pattern (moto's EventPattern) matches moto's event as EventBridge matches it: ``shaped``, the
    event as EventBridge delivers it (its ISO time, no ingestion time), where moto's matching differs (an array of objects under
    an object of the pattern matches nothing there, an empty array exists, and older motos know fewer operators). A
    pattern lambdamock does not take (one EventBridge refuses, which moto took) matches as moto matches it."""
    from lambdamock.sources import event_patterns

    parsed = pattern.get_pattern()
    if event_patterns.takes(parsed):
        return event_patterns.matches(parsed, shaped)
    return bool(pattern.matches_event(event))


def _to_target(rule: Any, target: Mapping[str, Any], shaped: Mapping[str, Any]) -> None:
    """Send a function that is a target of ``rule`` the event that matched it (as EventBridge delivers it, see
    trigger_events.eventbridge), as the target's input makes it."""
    from lambdamock.sources import trigger_events, triggers

    service = _serving(target["Arn"])
    payload = trigger_events.target_input(target, shaped, rule.arn, rule.name, trigger_events.ingestion_time())
    if payload is None:
        triggers.dropped(service, target["Arn"], rule.arn, trigger_events.NOT_JSON)
    else:
        trace = _ENTRY_TRACE.get() or _REQUEST_TRACE.get()
        triggers.deliver(service, target["Arn"], payload, rule.arn, rule.account_id, trace)


def put_events(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # EventsBackend.put_events(events): when an entry has a TraceHeader, each entry is put on its own, under its
    # own; a second bus's put of a forwarded event (none has one) keeps the trace it came with. More than ten
    # entries are moto's to refuse.
    entries = _argument(args, kwargs, 0, "events")
    if not isinstance(entries, list) or len(entries) > 10 or not any(
            isinstance(entry, dict) and entry.get("TraceHeader") for entry in entries):
        return wrapped(*args, **kwargs)
    answers = []
    for entry in entries:
        token = _ENTRY_TRACE.set(entry.get("TraceHeader"))
        try:
            answers.extend(wrapped([entry]))
        finally:
            _ENTRY_TRACE.reset(token)
    return answers


def events_notification(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # _send_safe_notification(source, event_name, region, resources, detail): moto's EventBridge events for S3 API
    # calls (CreateBucket); _invoke_lambda below learns which event, and counts the deliveries to each function.
    token = _NOTIFYING.set((_argument(args, kwargs, 0, "source"), _argument(args, kwargs, 1, "event_name"), {}))
    try:
        return wrapped(*args, **kwargs)
    finally:
        _NOTIFYING.reset(token)


def events_invoke_lambda(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # _invoke_lambda(account_id, fn_arn, event): EventBridge sends these as any other event, asynchronously, to a
    # function whose policy lets the rule invoke it.
    function_arn, notifying = _argument(args, kwargs, 1, "fn_arn"), _NOTIFYING.get()
    service = _serving(function_arn)
    if service is None or notifying is None:
        return wrapped(*args, **kwargs)
    from moto.events.models import events_backends

    account, event = _argument(args, kwargs, 0, "account_id"), _argument(args, kwargs, 2, "event")
    source, name, sent = notifying
    # moto calls this for each Lambda target of each rule whose source and eventName it matched (enabled), rule by
    # rule: the n-th call for a function is its n-th such target.
    targets = [(rule, target) for backend in events_backends[account].values()
               for bus in backend.event_buses.values() for rule in bus.rules.values()
               if rule.state == "ENABLED" and source in rule.event_pattern.get_pattern().get("source", [])
               and name in rule.event_pattern.get_pattern().get("detail", {}).get("eventName", [])
               for target in rule.targets if target.get("Arn") == function_arn]
    count = sent[(account, function_arn)] = sent.get((account, function_arn), 0) + 1
    if count > len(targets):
        return None
    rule, target = targets[count - 1]
    # On AWS such an event goes to its region's default bus alone (moto hands it to every region's rules). moto's
    # event is its own make (not CloudTrail's, which the rules that match it are written for): the source and the
    # eventName it picked the rule by stand for the rest of the pattern.
    if rule.region_name == event.get("region") and rule.event_bus_name == "default":
        from lambdamock.sources import trigger_events

        _to_target(rule, target, trigger_events.eventbridge(event))
    return None
