"""CloudWatch Logs filter patterns (FilterAndPatternSyntax in CloudWatch Logs' user guide) applied to messages."""

from __future__ import annotations

import pytest

from lambdamock.sources.log_patterns import compile_pattern

APACHE = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534'


@pytest.mark.parametrize(("pattern", "message", "matched"), [
    ("", "anything", True),
    (" ", "anything", True),
    # Terms: case-sensitive, anywhere in the message ("ERROR" matches "Exiting with ERRORCODE: -1" in the guide).
    ("ERROR", "Exiting with ERRORCODE: -1", True),
    ("ERROR", "error: lower case", False),
    ("ERROR Exception", "ERROR in Exception handler", True),
    ("ERROR Exception", "ERROR alone", False),
    ("?ERROR ?WARN", "WARN only", True),
    ("?ERROR ?WARN", "INFO only", False),
    ("ERROR -Exiting", "ERROR boom", True),
    ("ERROR -Exiting", "ERROR Exiting now", False),
    ('"hello cruel"', "hello cruel world", True),
    ('"hello cruel"', "hello world cruel", False),
    # JSON patterns: JSON events only.
    ('{ $.level = "ERROR" }', '{"level": "ERROR"}', True),
    ('{ $.level = "ERROR" }', '{"level": "INFO"}', False),
    ('{ $.level = "ERROR" }', "level = ERROR", False),
    ("{ $.latency > 100 }", '{"latency": 150}', True),
    ("{ $.latency > 100 }", '{"latency": 50}', False),
    ("{ $.latency >= 50 && $.latency < 100 }", '{"latency": 50}', True),
    ("{ $.latency > 100 }", '{"latency": "150"}', False),  # a number compares with numbers only
    ('{ ($.a = 1 || $.b = 2) && $.c IS TRUE }', '{"b": 2, "c": true}', True),
    ('{ ($.a = 1 || $.b = 2) && $.c IS TRUE }', '{"b": 2, "c": false}', False),
    ("{ $.a = 1 || $.b = 2 && $.c IS TRUE }", '{"a": 1}', True),  # && binds first
    ("{ $.x NOT EXISTS }", '{"y": 1}', True),
    ("{ $.x NOT EXISTS }", '{"x": null}', False),
    ("{ $.x IS NULL }", '{"x": null}', True),
    ("{ $.x IS FALSE }", '{"x": false}', True),
    ("{ $.eventType = Update* }", '{"eventType": "UpdateTrail"}', True),
    ("{ $.eventType = Update* }", '{"eventType": "CreateTrail"}', False),
    ('{ $.list[1] = "b" }', '{"list": ["a", "b"]}', True),
    ('{ $.user.id != "bob" }', '{"user": {"id": "alice"}}', True),
    ('{ $.user.id != "bob" }', '{"user": {"id": "bob"}}', False),
    ("{ $.message = %err.r% }", '{"message": "an error"}', True),
    ("{ $.a = 1 }", "[" * 5000 + "]" * 5000, False),  # JSON nested past what Python reads is not read
    # Regular expressions between % signs.
    ("%ERR[0-9]+%", "got ERR42", True),
    ("%ERR[0-9]+%", "got ERR", False),
    # Space-delimited patterns: a field per name, a quoted or bracketed part one field, "..." any number of them
    # (the guide's Apache example, and CDK's SpaceDelimited, "[time, component=HttpServer, ..., result_code!=200]").
    ("[ip, user, username, timestamp, request, status_code, bytes]", APACHE, True),
    ("[ip, user, username, timestamp, request, status_code, bytes, more]", APACHE, False),
    ("[ip, user, username, timestamp, request = *gif*, status_code = 4*, bytes]", APACHE, True),
    ("[ip, user, username, timestamp, request, status_code = 2*, bytes]", APACHE, False),
    ("[ip, ..., status_code >= 400, bytes]", APACHE, True),
    ("[ip, ..., status_code >= 400 && status_code < 500, bytes]", APACHE, True),
    ("[ip, ..., status_code >= 400 && status_code < 404, bytes]", APACHE, False),
    ("[..., status_code = 404 || status_code = 500, bytes < 2000]", APACHE, True),
    ("[ip = 127.0.0.1, ...]", APACHE, True),
    ("[ip, user, username = frank, ...]", APACHE, True),
    ("[ip, user, username = bob, ...]", APACHE, False),
    # The last field takes the rest of the event: "[w1=ERROR, w2]" returns "log events where the first word in the
    # log events is ERROR" (the guide's example events have six and seven words).
    ("[w1=ERROR, w2]", "ERROR 09/25/2014 12:00:02 Failed to process request", True),
    ("[w1=ERROR || w1=WARNING, w2]", "WARNING 09/25/2014 12:00:02 Slow request", True),
    ("[w1!=ERROR && w1!=WARNING, w2]", "ERROR 09/25/2014 12:00:02 Failed", False),
    ("[w1 = %a{3,5}%, w2]", "bbb ccc", False),  # a comma inside a regular expression does not split the slots
    ("[w1 = %a{3,5}%, w2]", "aaaa ccc", True),
    ("[a = 01*, b]", "0123 x", True),  # a field is compared as written
    ("[..., ..., ..., last = nomatch]", " ".join(map(str, range(300))), False),
    # JSON: quoted values and regular expressions may hold spaces; wildcards and quoted names in selectors.
    ('{ $.msg = "hello world" }', '{"msg": "hello world"}', True),
    ('{ $.msg = "hello world" }', '{"msg": "something else"}', False),
    ("{ $.msg = %shutting down% }", '{"msg": "up"}', False),
    ("{ $.arrayKey[*] = %val.{2}% }", '{"arrayKey": ["x", "value"]}', True),
    ("{ $.arrayKey[*] = %zzz% }", '{"arrayKey": ["x", "value"]}', False),
    ("{ $.* = %111% }", '{"a": "x", "ip": "111.1"}', True),
    ("{ $.['cluster.name'] = \"c\" }", '{"cluster.name": "c"}', True),
    ("{ $.['cluster.name'] = \"zzz\" }", '{"cluster.name": "c"}', False),
    ("{ $.list = \"a\" }", '{"list": ["a"]}', False),  # "If a property selector points to an array ... won't match"
    # "?" combined with other terms: "all question mark terms will be ignored" (the guide's example).
    ("?ERROR ?ARGUMENTS REQUEST", "[WARN] UNAUTHORIZED REQUEST", True),
    ("?ERROR ?WARN -DEBUG", "INFO all good", True),
    ('" "', "hello", True),  # matches everything (the guide)
    # What cannot be read lets everything through, as moto does.
    ("{ $.x = }", '{"x": 1}', True),
    ("[a b c]", "x", True),
    ("[]", "x", True),
])
def test_patterns(pattern: str, message: str, matched: bool) -> None:
    assert compile_pattern(pattern)(message) is matched


# The user guide's "Filter and pattern syntax" (awsdocs/amazon-cloudwatch-logs-user-guide, FilterAndPatternSyntax.md):
# "Property selectors are alphanumeric strings that support hyphen ("-") and underscore ("_") characters"; numbers
# are "integers that contain plus ("+") or minus ("-") symbols and follow scientific notation" (its examples
# "{ $.number[0] = 1e+3 }", "{ $.number[0] != 1e-3 }", "{ $.errorCode != 500 }", "{ $.bandwidth > 75 }").
@pytest.mark.parametrize(("pattern", "message", "matched"), [
    ('{ $.request-id = "abc" }', '{"request-id": "abc"}', True),
    ('{ $.request-id = "abc" }', '{"request-id": "xyz"}', False),
    ('{ $.request_id = "abc" }', '{"request_id": "xyz"}', False),
    ("{ $.number[0] = 1e+3 }", '{"number": [1000]}', True),
    ("{ $.number[0] = 1e+3 }", '{"number": [100]}', False),
    ("{ $.number[0] != 1e-3 }", '{"number": [1000]}', True),
    ("{ $.number[0] != 1e-3 }", '{"number": [0.001]}', False),
    ("{ $.errorCode != 500 }", '{"errorCode": 400}', True),
    ("{ $.errorCode != 500 }", '{"errorCode": 500}', False),
    ("{ $.bandwidth > 75 }", '{"bandwidth": 76}', True),
    ("{ $.bandwidth > 75 }", '{"bandwidth": 75}', False),
    ("{ $.responseTime <= 5 }", '{"responseTime": 5}', True),
    ("{ $.responseTime <= 5 }", '{"responseTime": 6}', False),
    ("{ $.refreshRate >= 60 }", '{"refreshRate": 60}', True),
    ("{ $.latency < 50 }", '{"latency": 50}', False),
    ("{ $.delta < -5 }", '{"delta": -10}', True),
    ("{ $.delta < -5 }", '{"delta": 0}', False),
    ("{ $.delta = +5 }", '{"delta": 5}', True),
    # "Place arrays after property selectors ... Enclose elements in brackets": an index reaches an array's element.
    ('{ $.list[5] = "b" }', '{"list": ["a", "b"]}', False),
    ('{ $.list[2] NOT EXISTS }', '{"list": ["a", "b"]}', True),
    ('{ $.text[0] = "a" }', '{"text": "abc"}', False),
    # "If a property selector points to an array or object, the metric filter won't match", "!=" neither.
    ('{ $.arrayKey != "x" }', '{"arrayKey": ["value", "another value"]}', False),
    ('{ $.user != "x" }', '{"user": {"id": 1}}', False),
    ('{ $.objectList[1].id = 2 }', '{"objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}]}', True),
])
def test_json_selectors_and_numbers_as_the_guide_writes_them(pattern: str, message: str, matched: bool) -> None:
    assert compile_pattern(pattern)(message) is matched


def test_a_regular_expression_python_cannot_compile_lets_everything_through() -> None:
    # What this module cannot read lets every event through, as moto lets every pattern (never an error at put).
    assert compile_pattern("%[%")("anything") is True
    assert compile_pattern("{ $.a = %[% }")('{"a": "x"}') is True


# The guide's space-delimited example event and the fields it extracts from it: "Characters between brackets ("[]")
# and double quotation marks ("") are considered single fields", extracted without them ("$timestamp":
# "10/Oct/2000:13:25:15 -0700", "$request": "GET /index.html HTTP/1.0"), the last one too.
GUIDE_EVENT = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'


@pytest.mark.parametrize(("pattern", "message", "matched"), [
    ("[ip, user, username, timestamp = 10/Oct*, ...]", GUIDE_EVENT, True),
    ("[ip, user, username, timestamp = *0700, ...]", GUIDE_EVENT, True),
    ("[ip, user, username, timestamp, request = GET*, ...]", GUIDE_EVENT, True),
    ("[ip, user, username, timestamp, request = *HTTP/1.0, ...]", GUIDE_EVENT, True),
    ("[ip, user, username, timestamp, request = GET*]", GUIDE_EVENT.rsplit(" ", 2)[0], True),
    ("[ip, user, username, timestamp = 10/Oct*]", GUIDE_EVENT.split(' "')[0], True),
])
def test_a_quoted_or_bracketed_field_is_compared_without_its_marks(pattern: str, message: str, matched: bool) -> None:
    assert compile_pattern(pattern)(message) is matched


# A selector starts "$."; strings compare with "=" and "!=" alone (the guide's "Equality operator"); these, an empty
# slot and an unknown operator are not patterns this module reads.
@pytest.mark.parametrize("pattern", ["[a, , b]", "{ $.a ~ 1 }", '{ $.a ~ "x" }', '{ a = "abc" }', "{ $.a > abc }"])
def test_other_unreadable_patterns_let_everything_through(pattern: str) -> None:
    for message in ('{"a": 2}', '{"a": "abc"}', "x y z"):
        assert compile_pattern(pattern)(message) is True


GUIDE_JSON = ('{"eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"], '
              '"objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null}')
GUIDE_COMPOUND = ('{"user": {"id": 1, "email": "John.Stiles@example.com"}, "users": [{"id": 2, "email": '
                  '"John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}], "actions": ["GET", "PUT", '
                  '"DELETE"], "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]}')


# The guide's JSON examples, each with the event it matches or does not ("Matching terms in JSON log events",
# "Using compound expressions to match terms in JSON objects").
@pytest.mark.parametrize(("pattern", "message", "matched"), [
    ('{ $.eventType = "UpdateTrail" }', GUIDE_JSON, True),
    ("{ $.sourceIPAddress != 123.123.* }", GUIDE_JSON, True),
    ('{ $.arrayKey[0] = "value" }', GUIDE_JSON, True),
    ("{ $.objectList[1].id = 2 }", GUIDE_JSON, True),
    ("{ $.SomeObject IS NULL }", GUIDE_JSON, True),
    ("{ $.SomeOtherObject NOT EXISTS }", GUIDE_JSON, True),
    ('{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }', GUIDE_JSON, True),
    ("{ $.latency = * }", '{"latency": 50, "requestType": "GET"}', True),
    ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', GUIDE_COMPOUND, True),
    ('{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
     GUIDE_COMPOUND, True),
    ('{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }',
     GUIDE_COMPOUND, False),
    ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', GUIDE_COMPOUND, False),
])
def test_the_guide_s_json_examples(pattern: str, message: str, matched: bool) -> None:
    assert compile_pattern(pattern)(message) is matched
