#!/usr/bin/env python3
"""Checks an OTLP/JSON file against the official protobuf schema.

Usage: otlp_schema_check.py FILE [--same-as EXPECTED]

FILE holds one ExportTraceServiceRequest, or several one per line (JSON Lines), or one
pretty-printed over many lines. Each request is parsed with google.protobuf.json_format into
opentelemetry.proto.collector.trace.v1.trace_service_pb2.ExportTraceServiceRequest, rejecting
unknown fields. OTLP/JSON writes trace and span ids as hex while protobuf's JSON mapping reads
bytes fields as base64, so the ids are checked (32 hex digits for a trace id, 16 for a span
id, not all zero) and converted first, as the collector's own decoder does.

With --same-as, EXPECTED is checked the same way and both files must say the same thing field
by field: the same resources (every attribute), each with the same scopes, each with the same
spans (ids, parent, name, kind, times, flags, trace state, attributes with their types,
events, links, status, dropped counts). How the spans are split into requests and in what order
resources, scopes and spans come does not matter (a collector batches as it likes); order
within a span's attributes, events and links does. Fields at their default value and absent
fields are the same thing (proto3).

Installs nothing. Exit status: 0 valid (and equal), 1 invalid or different (lines on stderr say
why), 3 the `opentelemetry-proto` package is missing (pip install opentelemetry-proto).
"""

import base64
import binascii
import json
import sys

try:
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"otlp_schema_check: missing package ({error}); pip install opentelemetry-proto", file=sys.stderr)
    sys.exit(3)


class Invalid(Exception):
    pass


def hex_to_base64(value, digits, where, allow_empty):
    if value in ("", None) and allow_empty:
        return value
    if not isinstance(value, str) or len(value) != digits:
        raise Invalid(f"{where}: expected {digits} hex digits, found {value!r}")
    try:
        raw = binascii.unhexlify(value)
    except binascii.Error:
        raise Invalid(f"{where}: not hex: {value!r}")
    if raw == bytes(len(raw)):
        raise Invalid(f"{where}: an all-zero id is invalid")
    return base64.b64encode(raw).decode("ascii")


def convert_ids(request, line):
    spans_seen = 0
    for r, resource_spans in enumerate(request.get("resourceSpans", [])):
        for s, scope_spans in enumerate(resource_spans.get("scopeSpans", [])):
            for n, span in enumerate(scope_spans.get("spans", [])):
                where = f"line {line} resourceSpans[{r}].scopeSpans[{s}].spans[{n}]"
                span["traceId"] = hex_to_base64(span.get("traceId"), 32, where + ".traceId", False)
                span["spanId"] = hex_to_base64(span.get("spanId"), 16, where + ".spanId", False)
                if "parentSpanId" in span:
                    span["parentSpanId"] = hex_to_base64(span["parentSpanId"], 16, where + ".parentSpanId", True)
                for k, link in enumerate(span.get("links", [])):
                    link["traceId"] = hex_to_base64(link.get("traceId"), 32, f"{where}.links[{k}].traceId", False)
                    link["spanId"] = hex_to_base64(link.get("spanId"), 16, f"{where}.links[{k}].spanId", False)
                spans_seen += 1
    return spans_seen


def read_requests(path):
    """The file's requests as protobuf messages (JSON Lines, or one object over any lines)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise Invalid(f"{path}: the file is empty")
    try:
        documents = [(1, json.loads(text))]
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                raise Invalid(f"{path} line {number}: not JSON: {error}")
    messages = []
    total = 0
    for number, request in documents:
        if not isinstance(request, dict) or "resourceSpans" not in request:
            raise Invalid(f"{path} line {number}: not an ExportTraceServiceRequest (no resourceSpans)")
        total += convert_ids(request, number)
        message = trace_service_pb2.ExportTraceServiceRequest()
        try:
            json_format.Parse(json.dumps(request), message, ignore_unknown_fields=False)
        except json_format.ParseError as error:
            raise Invalid(f"{path} line {number}: {error}")
        messages.append(message)
    return messages, total


def canonical(value):
    """A dict from MessageToDict with empty messages and lists dropped (proto3: default = absent)."""
    if isinstance(value, dict):
        result = {key: canonical(item) for key, item in value.items()}
        return {key: item for key, item in result.items() if item not in ({}, [], None)}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def model(messages):
    """{resource: {scope: {span key: span}}}, keys being canonical JSON text."""
    resources = {}
    for message in messages:
        for resource_spans in message.resource_spans:
            resource = json.dumps(canonical({
                "resource": json_format.MessageToDict(resource_spans.resource),
                "schemaUrl": resource_spans.schema_url}), sort_keys=True)
            scopes = resources.setdefault(resource, {})
            for scope_spans in resource_spans.scope_spans:
                scope = json.dumps(canonical({
                    "scope": json_format.MessageToDict(scope_spans.scope),
                    "schemaUrl": scope_spans.schema_url}), sort_keys=True)
                spans = scopes.setdefault(scope, {})
                for span in scope_spans.spans:
                    fields = canonical(json_format.MessageToDict(span))
                    key = (fields.get("traceId", ""), fields.get("spanId", ""))
                    if key in spans:
                        raise Invalid(f"span {key} appears twice")
                    spans[key] = fields
    return resources


def differences(actual, expected):
    """Lines saying where two models differ (empty when they are equal)."""
    found = []
    for resource in sorted(set(actual) | set(expected)):
        if resource not in actual or resource not in expected:
            found.append(f"resource only in {'actual' if resource in actual else 'expected'}: {resource[:300]}")
            continue
        for scope in sorted(set(actual[resource]) | set(expected[resource])):
            if scope not in actual[resource] or scope not in expected[resource]:
                found.append(f"scope only in {'actual' if scope in actual[resource] else 'expected'}: {scope[:300]}")
                continue
            left, right = actual[resource][scope], expected[resource][scope]
            for key in sorted(set(left) | set(right)):
                if key not in left or key not in right:
                    found.append(f"span {key} only in {'actual' if key in left else 'expected'}")
                    continue
                for field in sorted(set(left[key]) | set(right[key])):
                    if left[key].get(field) != right[key].get(field):
                        found.append(f"span {key} field {field}: actual {json.dumps(left[key].get(field))[:300]} "
                                     f"expected {json.dumps(right[key].get(field))[:300]}")
    return found


def main():
    arguments = sys.argv[1:]
    expected_path = None
    if len(arguments) == 3 and arguments[1] == "--same-as":
        expected_path = arguments[2]
        arguments = arguments[:1]
    if len(arguments) != 1:
        print("usage: otlp_schema_check.py FILE [--same-as EXPECTED]", file=sys.stderr)
        return 2
    messages, total = read_requests(arguments[0])
    print(f"ok: {len(messages)} request(s), {total} span(s) match ExportTraceServiceRequest")
    if expected_path is None:
        return 0
    expected_messages, _ = read_requests(expected_path)
    actual, expected = model(messages), model(expected_messages)
    found = differences(actual, expected)
    if found:
        for line in found[:20]:
            print(f"otlp_schema_check: {line}", file=sys.stderr)
        if len(found) > 20:
            print(f"otlp_schema_check: and {len(found) - 20} more differences", file=sys.stderr)
        return 1
    scopes = sum(len(scopes) for scopes in actual.values())
    spans = [span for scopes in actual.values() for spans in scopes.values() for span in spans.values()]
    events = sum(len(span.get("events", [])) for span in spans)
    links = sum(len(span.get("links", [])) for span in spans)
    print(f"equal field by field: {len(actual)} resources, {scopes} scopes, {len(spans)} spans, "
          f"{events} events, {links} links")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Invalid as error:
        print(f"otlp_schema_check: {error}", file=sys.stderr)
        sys.exit(1)
