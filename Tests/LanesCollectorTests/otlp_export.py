#!/usr/bin/env python3
"""Drives `lanes collect` with the OpenTelemetry Python SDK's real OTLP/HTTP exporter.

Modes (all print one JSON object per line on stdout):
  export URL --traces T [--processor simple|batch] [--gzip] [--service NAME]
      T traces of three spans each (a SERVER root, a CLIENT child with an int attribute, an
      INTERNAL child with a span event; every fifth child fails), exported through the SDK's
      OTLPSpanExporter. `simple` sends each span as it ends (children before their parent).
  stream URL --batches B [--traces-per-batch T]
      B batches, one after another, printing {"acknowledged": i} when batch i was answered.
  json URL --traces T [--gzip]
      The OTLP JSON encoding of such spans (hex ids, integer enums), POSTed as application/json.
  capture PATH --traces T
      Runs the exporter (batched, 512 spans a request: the SDK's default) against a throwaway
      local HTTP server and writes the first request body it sent to PATH.
  fixture PATH
      The spans of ../LanesFormatTests/make_otlp_fixtures.py (see `lossless`) as one protobuf
      request body, encoded by the SDK's own encoder: the rich fixture of the differential tests
      of Lanes' protobuf decoder (Fixtures/python-sdk-rich.pb).
  post URL --content-type TYPE --body-file FILE [--gzip] [--method M] [--encoding E]
      One raw request; prints status, headers and the body as hex.
  lossless URL --expected PATH [--json] [--gzip]
      The spans of ../LanesFormatTests/make_otlp_fixtures.py (two services, every span kind,
      events, exceptions, links, remote parents, every attribute type, dropped counts), recorded
      afresh by the installed SDK. Their OTLP/JSON encoding by the SDK's own encoder goes to PATH
      (JSON Lines, as that script writes it); the same spans are sent in requests of 7 spans
      through the SDK's OTLPSpanExporter (protobuf), or POSTed as that OTLP/JSON with --json.

Exit status 3 when the SDK is missing (pip install opentelemetry-sdk
opentelemetry-exporter-otlp-proto-http).
"""
import argparse
import base64
import gzip
import json
import logging
import os
import sys
import urllib.error
import urllib.request

def load_sdk():
    """Imports the SDK (slow: only the modes that need it pay for it); exit 3 when missing."""
    global trace, encode_spans, Compression, OTLPSpanExporter, Resource, TracerProvider
    global BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult, MessageToDict
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult)
        from google.protobuf.json_format import MessageToDict
    except ImportError as error:
        print(json.dumps({"missing": str(error)}))
        sys.exit(3)


class Collecting:
    """A span exporter that keeps finished spans instead of sending them (for `json` and `capture`)."""

    def __init__(self):
        self.spans = []

    def export(self, spans):
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self):
        pass

    def force_flush(self, timeout_millis=30000):
        return True


def make_spans(provider, traces, first=0):
    tracer = provider.get_tracer("lanes.collect.test", "1.0")
    for index in range(first, first + traces):
        with tracer.start_as_current_span(f"GET /item/{index}", kind=trace.SpanKind.SERVER) as root:
            root.set_attribute("http.method", "GET")
            root.set_attribute("http.route", "/item/{id}")
            with tracer.start_as_current_span("db.query", kind=trace.SpanKind.CLIENT) as query:
                query.set_attribute("db.rows", index)
            with tracer.start_as_current_span("render") as render:
                render.add_event("cache.miss", {"key": f"item-{index}"})
                if index % 5 == 0:
                    render.set_status(trace.Status(trace.StatusCode.ERROR, "template missing"))


def provider_for(service, processor):
    provider = TracerProvider(resource=Resource.create({"service.name": service, "service.version": "1.2.3"}))
    provider.add_span_processor(processor)
    return provider


def exporter_for(url, use_gzip):
    return OTLPSpanExporter(
        endpoint=url, timeout=5, compression=Compression.Gzip if use_gzip else Compression.NoCompression)


def collected_request(traces, service):
    collecting = Collecting()
    provider = provider_for(service, SimpleSpanProcessor(collecting))
    make_spans(provider, traces)
    provider.shutdown()
    return encode_spans(collecting.spans)


def capture_first_body(traces, service):
    """The first body the real exporter POSTs, caught by a local server that answers 200."""
    import http.server
    import threading
    bodies = []

    class Catcher(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Catcher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    exporter = exporter_for(f"http://127.0.0.1:{server.server_address[1]}/v1/traces", False)
    provider = provider_for(service, BatchSpanProcessor(exporter, max_export_batch_size=512, schedule_delay_millis=60_000))
    make_spans(provider, traces)
    provider.force_flush(10_000)
    provider.shutdown()
    server.shutdown()
    return bodies[0] if bodies else b""


def hex_ids(value):
    """OTLP JSON writes ids as hex; protobuf's JSON mapping writes bytes as base64."""
    if isinstance(value, dict):
        return {key: (base64.b64decode(item).hex() if key in ("traceId", "spanId", "parentSpanId") else hex_ids(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [hex_ids(item) for item in value]
    return value


def send_fixture_spans(url, expected_path, as_json, use_gzip):
    """The `lossless` mode: the fixture script's spans, written as expected and sent to `url`."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "LanesFormatTests"))
    import make_otlp_fixtures
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    logging.disable(logging.WARNING)  # the SDK warns about every attribute it drops at its limits
    recorded = InMemorySpanExporter()
    make_otlp_fixtures.record(recorded)
    spans = recorded.get_finished_spans()
    batches = [spans[start:start + make_otlp_fixtures.BATCH] for start in range(0, len(spans), make_otlp_fixtures.BATCH)]
    documents = [hex_ids(MessageToDict(encode_spans(batch), use_integers_for_enums=True)) for batch in batches]
    with open(expected_path, "w", encoding="utf-8") as lines:
        for document in documents:
            lines.write(json.dumps(document, separators=(",", ":")) + "\n")
    failed = 0
    if as_json:
        for document in documents:
            status, _, _ = post(url, json.dumps(document).encode(), "application/json", use_gzip)
            failed += status != 200
    else:
        exporter = exporter_for(url, use_gzip)
        for batch in batches:
            failed += exporter.export(batch) != SpanExportResult.SUCCESS
    return {"spans": len(spans), "requests": len(batches), "failed": failed,
            "events": sum(len(span.events) for span in spans), "links": sum(len(span.links) for span in spans)}


def fixture_body():
    """The `fixture` mode: the fixture script's spans as one binary ExportTraceServiceRequest."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "LanesFormatTests"))
    import make_otlp_fixtures
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    logging.disable(logging.WARNING)
    recorded = InMemorySpanExporter()
    make_otlp_fixtures.record(recorded)
    request = encode_spans(recorded.get_finished_spans())
    # The exception events' stack traces name the script: relative to the repository, as the
    # fixture script writes them, not this machine's checkout.
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")) + os.sep
    for resource_spans in request.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                for event in span.events:
                    for pair in event.attributes:
                        if pair.value.HasField("string_value"):
                            pair.value.string_value = pair.value.string_value.replace(root, "")
    return request.SerializeToString()


def post(url, body, content_type, use_gzip=False, method="POST", encoding=None):
    headers = {"Content-Type": content_type}
    if use_gzip:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    if encoding:
        headers["Content-Encoding"] = encoding
    request = urllib.request.Request(url, data=body if method == "POST" else None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["export", "stream", "json", "capture", "post", "lossless", "fixture"])
    parser.add_argument("target")
    parser.add_argument("--traces", type=int, default=10)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--traces-per-batch", type=int, default=20)
    parser.add_argument("--processor", choices=["simple", "batch"], default="batch")
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--service", default="checkout")
    parser.add_argument("--content-type", default="application/x-protobuf")
    parser.add_argument("--body-file")
    parser.add_argument("--method", default="POST")
    parser.add_argument("--encoding")
    parser.add_argument("--expected")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    if arguments.mode != "post":
        load_sdk()

    if arguments.mode == "export":
        exporter = exporter_for(arguments.target, arguments.gzip)
        processor = SimpleSpanProcessor(exporter) if arguments.processor == "simple" else BatchSpanProcessor(exporter)
        provider = provider_for(arguments.service, processor)
        make_spans(provider, arguments.traces)
        flushed = provider.force_flush(10_000)
        provider.shutdown()
        print(json.dumps({"flushed": flushed, "spans": 3 * arguments.traces}))
    elif arguments.mode == "stream":
        exporter = exporter_for(arguments.target, False)
        for batch in range(arguments.batches):
            collecting = Collecting()
            provider = provider_for(arguments.service, SimpleSpanProcessor(collecting))
            make_spans(provider, arguments.traces_per_batch, first=batch * arguments.traces_per_batch)
            provider.shutdown()
            result = exporter.export(collecting.spans)
            if result != SpanExportResult.SUCCESS:
                print(json.dumps({"failed": batch}), flush=True)
                break
            print(json.dumps({"acknowledged": batch}), flush=True)
    elif arguments.mode == "json":
        request = collected_request(arguments.traces, arguments.service)
        document = hex_ids(MessageToDict(request, use_integers_for_enums=True))
        status, headers, body = post(arguments.target, json.dumps(document).encode(), "application/json", arguments.gzip)
        print(json.dumps({"status": status, "content_type": headers.get("Content-Type"), "body": body.decode()}))
    elif arguments.mode == "lossless":
        print(json.dumps(send_fixture_spans(arguments.target, arguments.expected, arguments.json, arguments.gzip)))
    elif arguments.mode == "fixture":
        body = fixture_body()
        with open(arguments.target, "wb") as file:
            file.write(body)
        print(json.dumps({"bytes": len(body)}))
    elif arguments.mode == "capture":
        body = capture_first_body(arguments.traces, arguments.service)
        with open(arguments.target, "wb") as file:
            file.write(body)
        print(json.dumps({"bytes": len(body)}))
    else:
        with open(arguments.body_file, "rb") as file:
            body = file.read()
        status, headers, response = post(
            arguments.target, body, arguments.content_type, arguments.gzip, arguments.method, arguments.encoding)
        print(json.dumps({"status": status, "headers": {key.lower(): value for key, value in headers.items()},
                          "body": response.hex()}))


if __name__ == "__main__":
    main()
