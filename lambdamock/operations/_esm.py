"""Event source mappings in the 2015 API: AWS's checks of a requested configuration, and the response shape."""

from __future__ import annotations

import uuid
from typing import Any, Iterable, Mapping, Optional

from lambdamock.errors import InvalidParameterValueException, ResourceConflictException
from lambdamock.operations import _brokers as brokers
from lambdamock.operations._base import Call
from lambdamock.sources import filters
from lambdamock.sources.supervisor import Supervisor
from lambdamock.state.mappings import (
    BROKERED,
    DYNAMODB,
    KAFKA,
    KAFKAS,
    MQ,
    MSK,
    SQS,
    STREAMS,
    EventSourceMapping,
    MappingConfig,
    source_kind,
)

# AWS's texts (LocalStack's snapshots recorded against AWS, and AWS errors quoted in public issues).
UNRECOGNIZED = "Unrecognized event source."
NO_FUNCTION = "Function does not exist"
NOT_FOUND = "The resource you requested does not exist."
UPDATE_IN_USE = "Cannot update the event source mapping because it is in use."
DELETE_IN_USE = "Cannot delete the event source mapping because it is in use."
_DESTINATION = "Unsupported DestinationConfig parameter for given event source mapping type."
_WINDOW_NEEDED = "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
_FIFO_WINDOW = "Batching window is not supported for FIFO queues"
_FIFO_BATCH = "Maximum batch size must be between 1 and 10 inclusive"
_NO_POSITION = (
    "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
    "Member must not be null."
)
_SQS_POSITION = "StartingPosition is not valid for SQS event sources."
_NO_TIMESTAMP = "Need to specify a timestamp"
_RECORD_AGE = "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)"
_BAD_PATTERN = "Invalid filter pattern definition."
# Lambda's own: AWS refuses more filters than the quota, in a text no recording shows (invocation-eventfiltering).
_TOO_MANY_FILTERS = f"The number of filters in FilterCriteria exceeds the limit of {filters.MAX_FILTERS}."
# Lambda's own: the API reference gives SQS's poller bounds and says provisioned mode and maximum
# concurrency exclude each other (services-sqs-scaling), in texts no recording shows.
_SQS_POLLERS = {"MinimumPollers": (2, 200), "MaximumPollers": (2, 10000)}
_POLLER_ORDER = "MinimumPollers must be less than or equal to MaximumPollers"
_SCALING_MODES = "ProvisionedPollerConfig and ScalingConfig cannot be used together"
# Settings the API reference marks as for other kinds of source ("(Kinesis and DynamoDB Streams only)",
# "(Amazon SQS only)", Kafka's, MQ's and DocumentDB's). AWS refuses them in one wording, which its users
# quote for Kafka sources (aws-cdk#17934, aws-cdk#19917, pulumi-aws#1418).
_OTHER_SOURCES = ("Topics", "Queues", "SourceAccessConfigurations", "AmazonManagedKafkaEventSourceConfig",
                  "SelfManagedKafkaEventSourceConfig", "SelfManagedEventSource", "DocumentDBEventSourceConfig")
_STREAM_ONLY = ("ParallelizationFactor", "TumblingWindowInSeconds")
_RETRIES = ("MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError", "MaximumRetryAttempts")
# What only some of the kinds behind a cluster or broker take (see _brokers.SHOWN).
_BROKER_ONLY = (*_OTHER_SOURCES, *_STREAM_ONLY, *_RETRIES, "ScalingConfig", "ProvisionedPollerConfig",
                "StartingPosition", "StartingPositionTimestamp", "DestinationConfig", "FunctionResponseTypes",
                "LoggingConfig", "MaximumBatchingWindowInSeconds")
_NOT_TAKEN = {
    SQS: (*_OTHER_SOURCES, *_STREAM_ONLY, *_RETRIES, "LoggingConfig"),
    **dict.fromkeys(STREAMS, (*_OTHER_SOURCES, "ScalingConfig", "ProvisionedPollerConfig", "LoggingConfig")),
    **{kind: tuple(key for key in _BROKER_ONLY if key not in brokers.SHOWN[kind]
                   and not (kind in brokers.POSITIONED and key.startswith("StartingPosition")))
       for kind in BROKERED},
}
# Settings stored as given and shown back as such.
_OPTIONS = ("KMSKeyArn", "MetricsConfig", "ProvisionedPollerConfig")
_DEFAULT_BATCH = {SQS: 10}
# What StateTransitionReason says after a user's change: AWS words it per source (recorded for SQS and self-managed
# Kafka; for MQ in the developer guide's examples).
_USER_REASON = {SQS: "USER_INITIATED", **dict.fromkeys(BROKERED, "USER_INITIATED")}
# "The default batching window for Amazon MSK, self-managed Apache Kafka, Amazon MQ, and Amazon DocumentDB is 500
# ms" (the API reference's MaximumBatchingWindowInSeconds); shown only when given (recorded for self-managed Kafka).
_BROKER_WINDOW = 0.5


def kind_of(params: dict[str, Any]) -> str:
    """The kind of source a CreateEventSourceMapping request names, or AWS's error."""
    arn = params.get("EventSourceArn")
    if not arn:
        if (params.get("SelfManagedEventSource") or {}).get("Endpoints"):  # servers, whose key the model checks
            return KAFKA
        raise InvalidParameterValueException(UNRECOGNIZED)
    kind = source_kind(arn)
    if kind is None:
        raise InvalidParameterValueException(UNRECOGNIZED)
    return kind


def check_destination(params: dict[str, Any]) -> None:
    # No mapping takes an OnSuccess destination: "Not supported in CreateEventSourceMapping or
    # UpdateEventSourceMapping" (the API reference's DestinationConfig).
    if (params.get("DestinationConfig") or {}).get("OnSuccess", {}).get("Destination"):
        raise InvalidParameterValueException(_DESTINATION)


def configure(kind: str, params: dict[str, Any], name: str, qualifier: Optional[str],
              current: Optional[MappingConfig] = None) -> MappingConfig:
    """The configuration a Create (``current`` None) or Update request asks for, checked as AWS checks it."""
    arn = current.source_arn if current is not None else params.get("EventSourceArn", "")
    for key in _NOT_TAKEN[kind]:
        if key in params:
            raise brokers.unsupported(key[0].lower() + key[1:])
    changes: dict[str, Any] = {"function_name": name, "qualifier": qualifier}
    if "BatchSize" in params or current is None:
        changes["batch_size"] = params.get("BatchSize", _DEFAULT_BATCH.get(kind, 100))
    if "FilterCriteria" in params:
        changes["filters"] = _patterns(kind, params["FilterCriteria"])
    brokered = kind in BROKERED  # settings kept as given too, and shown only when given (see _brokers)
    if "MaximumBatchingWindowInSeconds" in params:
        changes["batching_window"] = params["MaximumBatchingWindowInSeconds"]
    elif current is None and brokered:
        changes["batching_window"] = _BROKER_WINDOW
    if current is None and kind != SQS:
        changes.update(_position(kind, arn, params, brokers.POSITIONED.get(kind)))
    if kind in STREAMS or kind in KAFKAS:
        changes.update(_stream_settings(params))
    if "FunctionResponseTypes" in params:
        changes["report_item_failures"] = "ReportBatchItemFailures" in params["FunctionResponseTypes"]
    if "ScalingConfig" in params:
        changes["maximum_concurrency"] = (params["ScalingConfig"] or {}).get("MaximumConcurrency")
    options = {key: params[key] for key in (*_OPTIONS, *brokers.SHOWN.get(kind, ())) if key in params}
    if brokered:
        options = brokers.checked(kind, options, current)
    if options:
        merged = {**(current.options if current is not None else {}), **options}
        # An empty value removes a setting, as the API reference says of ScalingConfig: an empty key ARN (the
        # model's pattern allows one) goes back to Lambda's own key, as a function's does.
        changes["options"] = {key: value for key, value in merged.items() if value not in ("", {})}
    if kind == SQS:
        if current is None and "StartingPosition" in params:
            raise InvalidParameterValueException(_SQS_POSITION)
        if ((params.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"):
            # A queue's failed messages go to its own dead-letter queue: the text AWS gives an OnSuccess
            # (recorded) and, by its users' reports, an OnFailure a source type does not take (aws-cdk#19917).
            raise InvalidParameterValueException(_DESTINATION)
    config = current.replace(**changes) if current is not None else MappingConfig(source_arn=arn, kind=kind, **changes)
    _check_batching(kind, config)
    if kind == SQS:
        _check_pollers(config)
    return config


def _check_pollers(config: MappingConfig) -> None:
    pollers = config.options.get("ProvisionedPollerConfig") or {}
    if not pollers:
        return
    if config.maximum_concurrency is not None:
        raise InvalidParameterValueException(_SCALING_MODES)
    for key, (low, high) in _SQS_POLLERS.items():
        if key in pollers and not low <= pollers[key] <= high:
            raise InvalidParameterValueException(f"{key} must be between {low} and {high} inclusive for Amazon SQS")
    if pollers.get("MinimumPollers", 2) > pollers.get("MaximumPollers", 200):
        raise InvalidParameterValueException(_POLLER_ORDER)


def _position(kind: str, arn: str, params: dict[str, Any], default: Optional[str]) -> dict[str, Any]:
    """Where a new mapping of a stream, Kafka topic or DocumentDB collection starts reading (``default`` when not
    given; SQS has no position)."""
    position = params.get("StartingPosition", default)
    if position is None:
        if kind in STREAMS:
            raise InvalidParameterValueException(_NO_POSITION)
        return {}
    if position == "AT_TIMESTAMP" and kind == DYNAMODB:
        raise InvalidParameterValueException(f"Unsupported starting position for arn type: {arn}")
    if position == "AT_TIMESTAMP" and params.get("StartingPositionTimestamp") is None:
        raise InvalidParameterValueException(_NO_TIMESTAMP)
    out: dict[str, Any] = {"starting_position": position}
    if position == "AT_TIMESTAMP":
        out["starting_position_timestamp"] = params["StartingPositionTimestamp"]
    return out


def _stream_settings(params: dict[str, Any]) -> dict[str, Any]:
    """How a stream or Kafka mapping retries, splits and gives up on batches."""
    out: dict[str, Any] = {}
    age = params.get("MaximumRecordAgeInSeconds")
    if age is not None and age != -1 and not 60 <= age <= 604800:
        raise InvalidParameterValueException(_RECORD_AGE)
    if "MaximumRecordAgeInSeconds" in params:
        out["maximum_record_age"] = age
    simple = (
        ("MaximumRetryAttempts", "maximum_retry_attempts"),
        ("BisectBatchOnFunctionError", "bisect_on_error"),
        ("ParallelizationFactor", "parallelization_factor"),
        ("TumblingWindowInSeconds", "tumbling_window"),
    )
    out.update({ours: params[theirs] for theirs, ours in simple if theirs in params})
    if "DestinationConfig" in params:
        out["on_failure"] = ((params["DestinationConfig"] or {}).get("OnFailure") or {}).get("Destination")
    return out


def _check_batching(kind: str, config: MappingConfig) -> None:
    if kind != SQS:
        return
    if config.source_arn.endswith(".fifo"):
        if config.batching_window:
            raise InvalidParameterValueException(_FIFO_WINDOW)
        if config.batch_size > 10:
            raise InvalidParameterValueException(_FIFO_BATCH)
    elif config.batch_size > 10 and not config.batching_window:
        raise InvalidParameterValueException(_WINDOW_NEEDED)


def _patterns(kind: str, criteria: Optional[dict[str, Any]]) -> tuple[str, ...]:
    entries = (criteria or {}).get("Filters") or []
    if len(entries) > filters.MAX_FILTERS:
        raise InvalidParameterValueException(_TOO_MANY_FILTERS)
    patterns = []
    for entry in entries:
        pattern = entry.get("Pattern")
        try:
            filters.parse(pattern, kind)
        except filters.InvalidPattern:
            raise InvalidParameterValueException(_BAD_PATTERN) from None
        patterns.append(pattern)
    return tuple(patterns)


def view(mapping: EventSourceMapping, state: Optional[str] = None) -> dict[str, Any]:
    """EventSourceMappingConfiguration as the 2015 API answers it, in AWS's member order."""
    config = mapping.config
    kind = config.kind
    with mapping.changed:
        shown_state = state or mapping.state
        reason, problem, modified = mapping.reason, mapping.problem, mapping.last_modified
    out: dict[str, Any] = {"BatchSize": config.batch_size}
    if kind in STREAMS:
        destination = {"Destination": config.on_failure} if config.on_failure else {}
        out["BisectBatchOnFunctionError"] = config.bisect_on_error
        out["DestinationConfig"] = {"OnFailure": destination}
    if config.source_arn:  # self-managed Kafka is named by its servers alone (recorded)
        out["EventSourceArn"] = config.source_arn
    out["EventSourceMappingArn"] = mapping.arn
    if config.filters:
        out["FilterCriteria"] = {"Filters": [{"Pattern": pattern} for pattern in config.filters]}
    out["FunctionArn"] = mapping.function_arn
    out["LastModified"] = modified
    out["State"] = shown_state
    if kind in BROKERED:
        out["StateTransitionReason"] = reason
        out["UUID"] = mapping.uuid
        brokers.shown(mapping, out)
        return out
    out["FunctionResponseTypes"] = ["ReportBatchItemFailures"] if config.report_item_failures else []
    if kind in STREAMS:
        out["LastProcessingResult"] = mapping.processing_result
    out["MaximumBatchingWindowInSeconds"] = config.batching_window
    if kind in STREAMS:
        out["MaximumRecordAgeInSeconds"] = config.maximum_record_age
        out["MaximumRetryAttempts"] = config.maximum_retry_attempts
        out["ParallelizationFactor"] = config.parallelization_factor
        out["StartingPosition"] = config.starting_position
        if config.starting_position_timestamp is not None:
            out["StartingPositionTimestamp"] = config.starting_position_timestamp
    elif config.maximum_concurrency is not None:
        out["ScalingConfig"] = {"MaximumConcurrency": config.maximum_concurrency}
    # A queue that cannot be read shows why in StateTransitionReason (queues have no LastProcessingResult).
    out["StateTransitionReason"] = problem if problem and kind == SQS else reason
    if kind in STREAMS:
        out["TumblingWindowInSeconds"] = config.tumbling_window
    out["UUID"] = mapping.uuid
    out.update(config.options)
    return out


def user_reason(kind: str) -> str:
    return _USER_REASON.get(kind, "User action")


def target(call: Call, name: str, qualifier: Optional[str]) -> str:
    """The ARN (qualified as given) of an existing function, version or alias; AWS's error if there is none."""
    with call.service.lock:
        found = call.region.functions.get(name)
        exists = found is not None and (
            qualifier is None or found.get(qualifier) is not None or qualifier in found.aliases
        )
    if not exists:
        raise InvalidParameterValueException(NO_FUNCTION)
    arn = call.arn(name)
    return arn if qualifier is None else f"{arn}:{qualifier}"


def check_visibility(call: Call, config: MappingConfig) -> None:
    """A queue must hide a message for at least as long as the function may run (AWS's check and text, as
    deployment logs quote it: "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds")."""
    if config.kind != SQS:
        return
    supervisor = Supervisor.of(call.service)
    timeout = supervisor.function_timeout(call.region.name, config)
    if timeout is None:
        return
    visibility = supervisor.visibility_timeout(config.source_arn)
    if visibility is not None and visibility < timeout:
        raise InvalidParameterValueException(
            f"Queue visibility timeout: {visibility:g} seconds is less than Function timeout: {timeout} seconds"
        )


def duplicate(mappings: Iterable[EventSourceMapping], config: MappingConfig, function_arn: str,
              ) -> Optional[ResourceConflictException]:
    """AWS's refusal when one of ``mappings`` (the region's) has the function read what ``config`` reads; else None."""
    for existing in mappings:
        if existing.function_arn == function_arn and _same_source(existing.config, config):
            return _conflict(config, function_arn, existing)
    return None


def _same_source(one: MappingConfig, other: MappingConfig) -> bool:
    return brokers.same_source(one, other) if one.kind in BROKERED else one.source_arn == other.source_arn


def _conflict(config: MappingConfig, function_arn: str, existing: EventSourceMapping) -> ResourceConflictException:
    """AWS's refusal of a second mapping of one source to one function (worded per source)."""
    if config.kind in (MSK, KAFKA, MQ):
        return brokers.conflict(config, function_arn, existing)
    if config.kind == SQS:
        return ResourceConflictException(
            f'An event source mapping with SQS arn (" {config.source_arn} ") and function '
            f'(" {config.function_name} ") already exists. Please update or delete the existing mapping '
            f"with UUID {existing.uuid}"
        )
    return ResourceConflictException(
        f'The event source arn (" {config.source_arn} ") and function (" {config.function_name} ") '
        f"provided mapping already exists. Please update or delete the existing mapping with UUID {existing.uuid}"
    )


def add_mapping(call: Call, config: MappingConfig, function_arn: str, enabled: bool,
                tags: Mapping[str, str]) -> EventSourceMapping:
    """A new mapping in the call's region, its source checked, and its poller started.

    Shared by CreateEventSourceMapping and the 2014 API's AddEventSource: one kind of mapping.
    """
    kind = config.kind
    supervisor = Supervisor.of(call.service)
    supervisor.check_source(kind, config.source_arn)
    check_visibility(call, config)
    identifier = str(uuid.uuid4())
    region = call.region
    arn = f"arn:{region.partition}:lambda:{region.name}:{region.account_id}:event-source-mapping:{identifier}"
    mapping = EventSourceMapping(identifier, arn, call.region.name, config, function_arn, enabled, user_reason(kind))
    mapping.tags = dict(tags)
    with call.service.lock:
        refused = duplicate(call.region.mappings, config, function_arn)
        if refused is not None:
            raise refused
        call.region.mappings.add(mapping)
    supervisor.start(mapping)
    return mapping
