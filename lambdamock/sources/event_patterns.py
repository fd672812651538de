"""EventBridge rules' patterns: which EventBridge takes, and whether one matches an event, as EventBridge matches.

As EventBridge's matching library (event-ruler) does, an event is read as the values at each path of its keys
joined by dots (an array's elements at the array's path), and a pattern as one set of paths and their rules for
each choice of its "$or" alternatives. So a key with dots is the nested keys it joins, in the pattern and in the
event (recorded: LocalStack's event_pattern_templates, dot_joining_event and dot_joining_pattern, checked with
TestEventPattern against AWS). The rules are Lambda's filters' (filters), with EventBridge's own operators
(wildcard, cidr).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, Optional

from lambdamock.sources import filters


def _wildcard_valid(argument: Any) -> bool:
    # Recorded: content_wildcard_int_EXC, content_wildcard_list_EXC, content_wildcard_repeating_star_EXC. (EventBridge
    # also refuses a wildcard it finds too complex, content_wildcard_complex_EXC: that measure is not modelled.)
    return isinstance(argument, str) and filters.wildcard_pieces(argument) is not None


def _cidr_valid(argument: Any) -> bool:
    # An address, "/" and a prefix length shorter than the address (recorded: content_ip_address_EXC,
    # content_ip_address_bad_ip_EXC, content_ip_address_bad_mask_EXC, content_ip_address_type_EXC,
    # content_ip_address_v6_bad_ip_EXC; the rest as event-ruler checks a block).
    if not isinstance(argument, str) or not argument.partition("/")[2].isdigit():
        return False
    try:
        block = ipaddress.ip_network(argument, strict=False)
    except ValueError:
        return False
    mapped = isinstance(block, ipaddress.IPv6Network) and block.network_address.ipv4_mapped is not None
    return block.prefixlen < block.max_prefixlen and not mapped


def _anything_but_valid(argument: Any) -> bool:
    # Recorded: content_anything_wildcard_type_EXC, content_anything_wildcard_list_type_EXC.
    if isinstance(argument, dict) and list(argument) == ["wildcard"]:
        return all(_wildcard_valid(each) for each in filters.listed(argument["wildcard"]))
    return filters.anything_but_valid(argument)


# The operators an EventBridge rule's pattern takes: Lambda's, and its own.
_OPERATORS: dict[str, Callable[[Any], bool]] = {
    **filters.OPERATORS, "anything-but": _anything_but_valid, "wildcard": _wildcard_valid, "cidr": _cidr_valid}


# Field names a "$or" alternative may not use, at any depth: event-ruler's operators, these and those it has besides
# (its RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
_RESERVED_IN_OR = frozenset((
    *_OPERATORS, "exactly", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
    "date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
    "ip-address-not-in-range"))
# The most path sets a pattern's "$or"s may make (past it, the pattern is moto's to match).
_MOST_ALTERNATIVES = 1024

Paths = dict[str, list[Any]]


class _Untaken(Exception):
    """A pattern EventBridge refuses, or one too complex for lambdamock to expand."""


def takes(pattern: Any) -> bool:
    """Whether EventBridge takes ``pattern`` for a rule, and lambdamock can match it (checked as LocalStack's
    event_pattern_templates recorded it with TestEventPattern against AWS; "$or" as event-ruler takes it), within
    _MOST_ALTERNATIVES path sets, counted before any is made."""
    try:
        filters.check(pattern, _OPERATORS)
        return _sets(pattern, inside_or=False) <= _MOST_ALTERNATIVES
    except (filters.InvalidPattern, _Untaken, RecursionError):  # nested past Python's limit: moto took it (AWS not)
        return False


def _sets(pattern: dict[str, Any], inside_or: bool) -> int:
    """How many path sets the pattern's "$or"s make (capped just past _MOST_ALTERNATIVES); _Untaken where
    event-ruler refuses a "$or": one alternative alone, or one that names a field as an operator."""
    count = 1
    for key, value in pattern.items():
        if key == "$or":
            if len(value) < 2:  # event-ruler: "There must have at least 2 Objects in $or relationship"
                raise _Untaken()
            count *= sum(_sets(alternative, inside_or=True) for alternative in value)
        elif inside_or and key in _RESERVED_IN_OR:
            raise _Untaken()
        elif isinstance(value, dict):
            count *= _sets(value, inside_or)
        count = min(count, _MOST_ALTERNATIVES + 1)
    return count


def matches(pattern: dict[str, Any], event: Any) -> bool:
    """Whether ``pattern``, one EventBridge takes, matches ``event``: all the rules of one of its path sets."""
    values = _values(event)
    return any(all(filters.satisfied(rules, values.get(path, [])) for path, rules in alternative.items())
               for alternative in _alternatives(pattern))


def _values(event: Any) -> Paths:
    """The values at each path of the event's keys (an array's elements, nested arrays' too, at its path); an object
    is no value of its own (only leaves exist, as in filters). Read without recursion: an event nested as
    deep as moto reads one is read here too."""
    found: Paths = {}
    stack: list[tuple[Optional[str], Any]] = [(None, event)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((key if path is None else f"{path}.{key}", item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((path, item) for item in reversed(value))
        elif path is not None:
            found.setdefault(path, []).append(value)
    return found


def _alternatives(pattern: dict[str, Any]) -> list[Paths]:
    """The pattern's path sets: one for each choice of its "$or" alternatives. A path given rules again takes the later
    ones, as event-ruler overrides a rule (inside an alternative after outside it, say)."""
    return _expanded(pattern, None, [{}])


def _expanded(pattern: dict[str, Any], prefix: Optional[str], sets: list[Paths]) -> list[Paths]:
    for key, value in pattern.items():
        if key == "$or":
            sets = [each for path_set in sets for alternative in value
                    for each in _expanded(alternative, prefix, [dict(path_set)])]
            continue
        path = key if prefix is None else f"{prefix}.{key}"
        if isinstance(value, dict):
            sets = _expanded(value, path, sets)
        else:
            sets = [{**path_set, path: value} for path_set in sets]
    return sets
