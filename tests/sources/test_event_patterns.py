"""EventBridge rules' patterns: which EventBridge takes, and matching as EventBridge matches (event_patterns)."""

from __future__ import annotations

import pytest

from lambdamock.sources import event_patterns


# Recorded with EventBridge's TestEventPattern, LocalStack's
# test_events_patterns.py::TestEventPattern::test_event_pattern over its event_pattern_templates (AWS-validated
# 2025-10-15), by template name.
@pytest.mark.parametrize(("pattern", "event", "expected"), [
    ({"f": [{"wildcard": "/Users/*/dir/*/doc.txt"}]}, {"f": "/Users/me/dir/a/b/doc.txt"}, True),  # wildcard_repeating
    ({"f": [{"wildcard": "/Users/*/dir/*/doc.txt"}]}, {"f": "/Users/me/doc.txt"}, False),  # wildcard_repeating_NEG
    ({"f": [{"wildcard": "*.png"}]}, {"f": "a.png"}, True),  # content_wildcard_nonrepeating
    ({"f": [{"wildcard": "*.png"}]}, {"f": "a.jpg"}, False),  # content_wildcard_nonrepeating_NEG
    ({"f": [{"wildcard": ""}]}, {"f": "x"}, False),  # content_wildcard_empty_NEG
    ({"f": [{"wildcard": "*"}]}, {"f": 1}, False),  # a wildcard matches strings alone
    ({"f": [{"wildcard": "a\\*b"}]}, {"f": "a*b"}, True),  # an escaped star is a star
    ({"f": [{"wildcard": "a\\*b"}]}, {"f": "axb"}, False),
    ({"f": [{"anything-but": {"wildcard": "*/dir/*"}}]}, {"f": "dir/init/file"}, True),  # content_anything_wildcard
    ({"f": [{"anything-but": {"wildcard": "*/dir/*"}}]}, {"f": "a/dir/b"}, False),  # ..._wildcard_NEG
    ({"f": [{"anything-but": {"wildcard": "*/dir/*"}}]}, {"f": 123}, True),  # content_anything_wildcard_int
    ({"f": [{"anything-but": {"wildcard": ["*/a/*", "*/b/*"]}}]}, {"f": None}, True),  # ..._wildcard_list_null
    ({"f": [{"anything-but": {"wildcard": "*/dir/*"}}]}, {}, False),  # content_anything_wildcard_missing_NEG
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.0.255"}, True),  # content_ip_address
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.1.1"}, False),  # content_ip_address_NEG
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": 123}, False),  # content_ip_address_bad_type_NEG
    ({"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}, {"ip": "2001:0db8:1234:1a00:0000:0000:0000:0000"},
     True),  # content_ip_address_v6
    ({"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}, {"ip": "2001:db8:1234:1a01::"}, False),  # ..._v6_NEG
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "not an address"}, False),
    # dot_joining_event
    ({"detail": {"state": {"status": ["running"]}}}, {"detail": {"state.status": "running"}}, True),
    ({"detail": {"state.status": ["running"]}}, {"detail": {"state": {"status": "running"}}}, True),  # ..._pattern
    ({"detail": {"state.status": ["running"]}}, {"detail": {"state": {"status": "stopped"}}}, False),
    # list_within_dict
    ({"detail": {"a": {"id": [{"exists": True}]}}}, {"detail": {"a": [{"k": 1}, {"id": "x"}]}}, True),
    ({"detail": {"a": [{"exists": True}]}}, {"detail": {"a": []}}, False),  # exists_list_empty_NEG
    ({"$or": [{"a.b": ["x"]}, {"c": ["y"]}]}, {"a": {"b": "x"}}, True),  # dotted keys under "$or" too
])
def test_eventbridge_patterns_match_as_eventbridge_matches(pattern, event, expected):
    assert event_patterns.takes(pattern)
    assert event_patterns.matches(pattern, event) is expected


@pytest.mark.parametrize("pattern", [
    {"f": [{"wildcard": 123}]},  # content_wildcard_int_EXC
    {"f": [{"wildcard": ["a*"]}]},  # content_wildcard_list_EXC
    {"f": [{"wildcard": "arn:**:bus/*"}]},  # content_wildcard_repeating_star_EXC
    {"f": [{"anything-but": {"wildcard": 123}}]},  # content_anything_wildcard_type_EXC
    {"f": [{"anything-but": {"wildcard": [123, "*/dir/*"]}}]},  # content_anything_wildcard_list_type_EXC
    {"ip": [{"cidr": "bad-filter"}]},  # content_ip_address_EXC
    {"ip": [{"cidr": "xx.11.xx/8"}]},  # content_ip_address_bad_ip_EXC
    {"ip": [{"cidr": ["10.0.0.0/8"]}]},  # content_ip_address_type_EXC
    {"ip": [{"cidr": "xxxx:db8:1234:1a00::/64"}]},  # content_ip_address_v6_bad_ip_EXC
    {"f": [{"prefix": ["a"]}]},  # content_prefix_list_EXC
    {"f": []},  # arrays_empty_EXC
])
def test_patterns_eventbridge_refuses_are_told(pattern):
    assert not event_patterns.takes(pattern)


@pytest.mark.parametrize(("pattern", "event", "expected"), [
    # Keys that reach one path keep all their values, whichever comes first (as EventBridge joins paths).
    ({"labels": {"app": ["web"]}}, {"labels": {"app": "web", "app.kubernetes.io/name": "web"}}, True),
    ({"labels": {"app": ["web"]}}, {"labels": {"app.kubernetes.io/name": "web", "app": "web"}}, True),
    ({"labels": {"app.kubernetes.io/name": ["web"]}}, {"labels": {"app": "x", "app.kubernetes.io/name": "web"}}, True),
    ({"a": {"b": ["y"]}}, {"a.b": "x", "a": {"b": "y"}}, True),
    ({"a": {"b": ["x"]}}, {"a.b": "x", "a": {"b": "y"}}, True),
    ({"f": [{"wildcard": "a\\**"}]}, {"f": "a*bc"}, True),  # an escaped star, then a wildcard
    ({"f": [{"wildcard": "a\\**"}]}, {"f": "abc"}, False),
    ({"f": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}, {"f": ":" * 200}, False),
    ({"f": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}, {"f": "arn:aws:events:us-east-1:1:event-bus/b"}, True),
    ({"f": [{"wildcard": "a*b*b"}]}, {"f": "ab"}, False),  # a middle piece is not the last one's text
    ({"f": [{"wildcard": "a*b*b"}]}, {"f": "abb"}, True),
    # A star stands for characters between the pieces (EventBridge's eb-event-patterns-content-based-filtering,
    # "Wildcard matching"): the pieces do not overlap, neither the first and the last nor two in the middle.
    ({"f": [{"wildcard": "ab*b"}]}, {"f": "ab"}, False),
    ({"f": [{"wildcard": "*ab*ab*"}]}, {"f": "xaby"}, False),
    ({"f": [{"wildcard": "*ab*ab*"}]}, {"f": "xabab"}, True),
    ({"f": [{"wildcard": "ab*b*c"}]}, {"f": "abc"}, False),
    ({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "::ffff:a00:1"}, True),  # an IPv4-mapped IPv6 address is its IPv4
    ({"ip": [{"cidr": "10.0.0.5/24"}]}, {"ip": "10.0.0.1"}, True),  # a block is its whole network (event-ruler 1.2.2)
    ({"ip": [{"cidr": "10.0.0.5/24"}]}, {"ip": "10.0.1.1"}, False),
    # A key and a dotted key under it are two paths; a path given twice takes its later rules.
    ({"a": ["x"], "a.b": ["y"]}, {"a": ["x", {"b": "y"}]}, True),
    ({"a": ["x"], "a.b": ["y"]}, {"a": "x"}, False),
    ({"a.b": ["x"], "a": {"b": ["y"]}}, {"a": {"b": "y"}}, True),
    ({"a.b": ["x"], "a": {"b": ["y"]}}, {"a": {"b": "x"}}, False),
    ({"a.$or": [{"exists": True}]}, {"a": {"$or": 1}}, True),  # "$or" is an operator only as a whole key
    # Rules for a path inside a "$or" alternative replace those before it (event-ruler's rule overriding).
    ({"a": ["x"], "$or": [{"a": ["y"]}, {"b": ["z"]}]}, {"a": "y"}, True),
    ({"a": ["x"], "$or": [{"a": ["y"]}, {"b": ["z"]}]}, {"a": "x", "b": "z"}, True),
    ({"a": ["x"], "$or": [{"a": ["y"]}, {"b": ["z"]}]}, {"a": "x"}, False),
    ({"labels": {"app": ["web"]}}, {"labels": {"app": "web", "app.b": {"c": 1}, "app.b.d": 2}}, True),
])
def test_dotted_keys_wildcards_and_addresses_read_as_eventbridge_reads_them(pattern, event, expected):
    assert event_patterns.takes(pattern)
    assert event_patterns.matches(pattern, event) is expected


@pytest.mark.parametrize("pattern", [
    {"f": [{"wildcard": "ab\\"}]},  # a backslash escapes a star or a backslash, nothing else
    {"f": [{"wildcard": "a\\xb"}]},
    {"ip": [{"cidr": "10.0.0.1"}]},  # an address, "/" and a prefix length
    {"ip": [{"cidr": "10.0.0.0/255.255.255.0"}]},
    {"$or": [{"a": ["x"]}]},  # "$or" needs two alternatives (event-ruler's rule)
    {"$or": [{"prefix": ["p"]}, {"b": ["z"]}]},  # nor may its alternatives name a field as an operator
    {"$or": [{"d": {"numeric": ["p"]}}, {"b": ["z"]}]},
    {"$or": [{"detail": {"regex": ["x"]}}, {"detail": {"b": ["z"]}}]},  # event-ruler's own operators too
    {"$or": [{"a": ["1"]}, {"a": ["2"]}], "b": {"$or": [{"c": [str(n)]} for n in range(1025)]}},  # too many sets
    {"ip": [{"cidr": "10.0.0.1/32"}]},  # a block shorter than its address (event-ruler's rule)
    {"ip": [{"cidr": "::ffff:10.0.0.0/104"}]},  # an IPv4-mapped block
])
def test_patterns_lambdamock_does_not_take_are_left_to_moto(pattern):
    assert not event_patterns.takes(pattern)


def test_a_pattern_of_many_combinations_is_counted_not_expanded():
    def ors(count: int) -> dict:
        return {f"k{n}": {"$or": [{"a": ["1"]}, {"b": ["2"]}]} for n in range(count)}

    assert event_patterns.takes(ors(10))  # 2 ** 10 path sets
    assert not event_patterns.takes(ors(11))
    assert not event_patterns.takes(ors(60))  # 2 ** 60: counted, never made


# event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP (src/main/software/amazon/event/ruler/Constants.java): its
# JsonRuleCompiler.parseObjectInsideOrRelationship refuses each as a field name inside a "$or" alternative ("is Ruler
# reserved fieldName which cannot be used inside $or"), at any depth there.
@pytest.mark.parametrize("name", [
    "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
    "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after", "date-on-or-after",
    "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range", "ip-address-not-in-range"])
def test_a_field_named_as_an_event_ruler_keyword_inside_or_is_refused(name):
    assert not event_patterns.takes({"$or": [{"detail": {name: ["x"]}}, {"source": ["shop"]}]})
    assert event_patterns.takes({"$or": [{"detail": {"other": ["x"]}}, {"source": ["shop"]}]})


@pytest.mark.parametrize("name", ["prefix", "numeric", "exactly", "cidr"])
def test_a_field_named_as_a_keyword_outside_or_is_an_ordinary_field(name):
    # event-ruler's JsonRuleCompiler.parseObject (outside "$or") checks no field name against the reserved ones.
    pattern = {"detail": {name: ["x"]}}
    assert event_patterns.takes(pattern)
    assert event_patterns.matches(pattern, {"detail": {name: "x"}})
    assert not event_patterns.matches(pattern, {"detail": {name: "y"}})


def test_anything_but_a_list_of_strings_is_not_read_as_an_operator_object():
    # content_anything_but_string_list (TestEventPattern against AWS): "anything-but" takes a list of strings, here
    # one whose only string happens to read "wildcard".
    pattern = {"f": [{"anything-but": ["wildcard"]}]}
    assert event_patterns.takes(pattern)
    assert event_patterns.matches(pattern, {"f": "running"})
    assert not event_patterns.matches(pattern, {"f": "wildcard"})


def test_anything_but_an_object_of_two_operators_is_refused():
    # event-ruler's JsonRuleCompiler: after an anything-but object's one operator ("equals-ignore-case", "prefix",
    # "suffix" or "wildcard") and its value, anything more in that object is tooManyElements.
    assert not event_patterns.takes({"f": [{"anything-but": {"wildcard": "*/a/*", "prefix": "x"}}]})
    assert not event_patterns.takes({"f": [{"anything-but": {"prefix": "x", "wildcard": "*/a/*"}}]})


def test_the_most_path_sets_lambdamock_expands_is_1024_exactly():
    def alternatives(count: int) -> dict:
        return {"$or": [{"c": [str(n)]} for n in range(count)]}

    assert event_patterns.takes(alternatives(1024))
    assert event_patterns.matches(alternatives(1024), {"c": "1023"})
    assert not event_patterns.takes(alternatives(1025))


def test_a_pattern_nested_past_python_s_recursion_limit_is_left_to_moto():
    pattern: dict = {"a": ["x"]}
    for _ in range(5000):
        pattern = {"a": pattern}
    assert not event_patterns.takes(pattern)
