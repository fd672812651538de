"""Mappings of Kafka, Amazon MQ and DocumentDB sources: what each kind takes and needs, and what it shows back.

No cluster or broker is in a test's process: a mapping reads only a Kafka topic a test keeps in process
(``LambdaMock.kafka_topic``), and otherwise shows what a mapping of a topic, queue or collection that stays empty
shows. Their settings are kept as given (``MappingConfig.options``), and shown only when given.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from lambdamock.errors import InvalidParameterValueException, ResourceConflictException
from lambdamock.state.mappings import DOCUMENTDB, KAFKA, MQ, MSK, EventSourceMapping, MappingConfig

# The settings only some kinds take, by the API reference's notes on each member ("(Kinesis, DynamoDB Streams,
# Amazon MSK, and self-managed Apache Kafka)", "(MQ)", ...); every kind takes BatchSize, the batching window,
# FilterCriteria, KMSKeyArn and MetricsConfig.
_KAFKA = ("Topics", "SourceAccessConfigurations", "MaximumBatchingWindowInSeconds", "DestinationConfig",
          "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError", "MaximumRetryAttempts", "FunctionResponseTypes",
          "LoggingConfig", "ProvisionedPollerConfig")
_MSK_CONFIG, _KAFKA_CONFIG = "AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig"
_DOCUMENTDB_CONFIG = "DocumentDBEventSourceConfig"
# What each kind takes and shows back as given (StartingPosition aside: see POSITIONED).
SHOWN: Mapping[str, tuple[str, ...]] = {
    MSK: (*_KAFKA, _MSK_CONFIG),
    KAFKA: (*_KAFKA, "SelfManagedEventSource", _KAFKA_CONFIG),
    MQ: ("Queues", "SourceAccessConfigurations", "MaximumBatchingWindowInSeconds"),
    DOCUMENTDB: ("SourceAccessConfigurations", "MaximumBatchingWindowInSeconds", _DOCUMENTDB_CONFIG),
}
# Kinds read from a position, and where they start when none is given: recorded for self-managed Kafka
# (TRIM_HORIZON, test_create_event_source_self_managed); AWS's pollers of MSK are Kafka's. DocumentDB shows one
# only when given.
POSITIONED: Mapping[str, Optional[str]] = {MSK: "TRIM_HORIZON", KAFKA: "TRIM_HORIZON", DOCUMENTDB: None}
# What a Create must name, per kind. Recorded: "Required 'sourceAccessConfigurations' parameter is missing." for
# self-managed Kafka; the other members, in that wording, are lambdamock's reading of the developer guide (a Kafka
# topic, an MQ queue and its broker's credentials, a DocumentDB database: "Required: Yes" in SAM's reference).
_REQUIRED: Mapping[str, tuple[str, ...]] = {
    MSK: ("Topics",),
    KAFKA: ("Topics", "SourceAccessConfigurations"),
    MQ: ("Queues", "SourceAccessConfigurations"),
    DOCUMENTDB: (),
}
# Quoted by AWS's users (aws/aws-cli#7756): a DocumentDB mapping keeps the database and collection it was made for.
_RENAMED = "Invalid parameters: "


def unsupported(member: str) -> InvalidParameterValueException:
    """AWS's refusal of a setting (``member`` as the service names it, lowerCamel) for a kind that does not take it:
    "Unsupported 'maximumRetryAttempts' parameter for given event source mapping type." (aws-cdk#17934)."""
    return InvalidParameterValueException(f"Unsupported '{member}' parameter for given event source mapping type.")


def _missing(member: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(f"Required '{member}' parameter is missing.")


def checked(kind: str, given: dict[str, Any], current: Optional[MappingConfig]) -> dict[str, Any]:
    """The settings of a Create (``current`` None) or an Update, as they are to be kept, or AWS's refusal."""
    for member in _REQUIRED[kind]:
        if (current is None or member in given) and not given.get(member):  # an update may not empty one either
            raise _missing(member[0].lower() + member[1:])
    if current is None:
        if kind == DOCUMENTDB and not (given.get(_DOCUMENTDB_CONFIG) or {}).get("DatabaseName"):
            raise _missing("documentDBEventSourceConfig.databaseName")
        return given
    for block in (_MSK_CONFIG, _KAFKA_CONFIG):
        if "ConsumerGroupId" in (given.get(block) or {}):
            # "After creating a Kafka event source mapping with the consumer group ID specified, you cannot update
            # this value" (the API reference); refused even when unchanged, in AWS's wording for a setting it does
            # not take, as go-to-k/cdkd's notes of calls made against AWS report it.
            raise unsupported(f"{block[0].lower()}{block[1:]}.consumerGroupId")
    if _DOCUMENTDB_CONFIG in given:
        before, after = current.options.get(_DOCUMENTDB_CONFIG) or {}, given[_DOCUMENTDB_CONFIG] or {}
        renamed = [member[0].lower() + member[1:] for member in ("CollectionName", "DatabaseName")
                   if member in after and after[member] != before.get(member)]
        if renamed:
            raise InvalidParameterValueException(_RENAMED + ", ".join(renamed))
    # A block given on an update changes the members it names; the rest (its consumer group, say) stay.
    return {key: {**(current.options.get(key) or {}), **(value or {})} if key in (_MSK_CONFIG, _KAFKA_CONFIG,
                                                                                  _DOCUMENTDB_CONFIG) else value
            for key, value in given.items()}


def shown(mapping: EventSourceMapping, out: dict[str, Any]) -> None:
    """Add what a mapping of one of these kinds shows besides its settings (see SHOWN) to ``out``."""
    config = mapping.config
    out["LastProcessingResult"] = mapping.processing_result
    if config.starting_position is not None:
        out["StartingPosition"] = config.starting_position
    if config.starting_position_timestamp is not None:
        out["StartingPositionTimestamp"] = config.starting_position_timestamp
    out.update(config.options)
    block = {MSK: _MSK_CONFIG, KAFKA: _KAFKA_CONFIG}.get(config.kind)
    if block is not None:
        # Recorded: the consumer group is the mapping's UUID unless one was given.
        out[block] = {"ConsumerGroupId": mapping.uuid, **(config.options.get(block) or {})}
    if config.kind == DOCUMENTDB:
        out[_DOCUMENTDB_CONFIG] = {"FullDocument": "Default", **config.options[_DOCUMENTDB_CONFIG]}


def _only(config: MappingConfig, member: str) -> Any:
    values = config.options.get(member) or [None]
    return values[0]


def same_source(one: MappingConfig, other: MappingConfig) -> bool:
    """Whether two mappings of these kinds read the same thing: a topic (of a cluster, or of a broker the two
    self-managed clusters share), a queue, or a database's collection."""
    if one.kind == KAFKA:
        return _only(one, "Topics") == _only(other, "Topics") and bool(set(one.servers) & set(other.servers))
    if one.source_arn != other.source_arn:
        return False
    if one.kind == DOCUMENTDB:
        mine, theirs = one.options[_DOCUMENTDB_CONFIG], other.options[_DOCUMENTDB_CONFIG]
        return all(mine.get(member) == theirs.get(member) for member in ("DatabaseName", "CollectionName"))
    named = "Topics" if one.kind == MSK else "Queues"
    return _only(one, named) == _only(other, named)


def conflict(config: MappingConfig, function_arn: str, existing: EventSourceMapping) -> ResourceConflictException:
    """AWS's refusal of a second mapping of one Kafka topic or MQ queue to one function."""
    tail = f"already exists. Please update or delete the existing mapping with UUID {existing.uuid}"
    if config.kind == KAFKA:  # recorded: the servers and topic the request named
        return ResourceConflictException(
            f'An event source mapping with event source ("{",".join(config.servers)}"), function ("{function_arn}"), '
            f'topics ("{_only(config, "Topics")}") {tail}'
        )
    # MSK's as AWS's users quote it (aws/aws-sam-cli#2308); MQ's is lambdamock's, in that wording.
    named = "topics" if config.kind == MSK else "queues"
    return ResourceConflictException(
        f'An event source mapping with event source arn ("{config.source_arn}"), function ("{function_arn}") and '
        f'{named} ("{_only(config, named.capitalize())}") {tail}'
    )
