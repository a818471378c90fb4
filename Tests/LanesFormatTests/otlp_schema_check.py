#!/usr/bin/env python3
"""Checks an OTLP/JSON file against the official protobuf schema.

Usage: otlp_schema_check.py FILE

FILE holds one ExportTraceServiceRequest, or several one per line (JSON Lines). Each request
is parsed with google.protobuf.json_format into
opentelemetry.proto.collector.trace.v1.trace_service_pb2.ExportTraceServiceRequest, rejecting
unknown fields. OTLP/JSON writes trace and span ids as hex while protobuf's JSON mapping reads
bytes fields as base64, so the ids are checked (32 hex digits for a trace id, 16 for a span
id, not all zero) and converted first, as the collector's own decoder does.

Installs nothing. Exit status: 0 valid, 1 invalid (one line on stderr says why),
3 the `opentelemetry-proto` package is missing (pip install opentelemetry-proto).
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


def main():
    if len(sys.argv) != 2:
        print("usage: otlp_schema_check.py FILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        lines = [line for line in handle.read().splitlines() if line.strip()]
    if not lines:
        raise Invalid("the file is empty")
    total = 0
    for number, text in enumerate(lines, start=1):
        try:
            request = json.loads(text)
        except json.JSONDecodeError as error:
            raise Invalid(f"line {number}: not JSON: {error}")
        if not isinstance(request, dict) or "resourceSpans" not in request:
            raise Invalid(f"line {number}: not an ExportTraceServiceRequest (no resourceSpans)")
        total += convert_ids(request, number)
        message = trace_service_pb2.ExportTraceServiceRequest()
        try:
            json_format.Parse(json.dumps(request), message, ignore_unknown_fields=False)
        except json_format.ParseError as error:
            raise Invalid(f"line {number}: {error}")
    print(f"ok: {len(lines)} request(s), {total} span(s) match ExportTraceServiceRequest")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Invalid as error:
        print(f"otlp_schema_check: {error}", file=sys.stderr)
        sys.exit(1)
