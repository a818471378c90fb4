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
  post URL --content-type TYPE --body-file FILE [--gzip] [--method M] [--encoding E]
      One raw request; prints status, headers and the body as hex.

Exit status 3 when the SDK is missing (pip install opentelemetry-sdk
opentelemetry-exporter-otlp-proto-http).
"""
import argparse
import base64
import gzip
import json
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
    parser.add_argument("mode", choices=["export", "stream", "json", "capture", "post"])
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
