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
