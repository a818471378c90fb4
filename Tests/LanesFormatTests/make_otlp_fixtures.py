#!/usr/bin/env python3
"""Writes the OTLP/JSON fixtures of the OTLP tests with the real OpenTelemetry Python SDK.

Usage: make_otlp_fixtures.py [FOLDER]   (default: the Fixtures folder beside this script)

Two services (`checkout` and `inventory`, each its own resource with `service.version`,
`host.name` and the SDK's `telemetry.sdk.*`) handle ten requests: server, client, internal,
producer and consumer spans; W3C context injected by one service and extracted by the other
(with a `tracestate`), so traces cross services; span events and recorded exceptions; links
from consumers to producers; attributes of every type the SDK takes (strings, ints, doubles,
booleans, arrays of each, bytes, maps, and empty); OK, ERROR and UNSET statuses; span limits
small enough that some spans report dropped attributes, events and links. Ids come from a
seeded generator and every time is explicit, so the output is reproducible for one SDK version.

The spans are encoded by the SDK's own OTLP encoder (`opentelemetry-exporter-otlp-proto-common`,
the code its OTLP exporters use) into `ExportTraceServiceRequest`s, then written the way the
OpenTelemetry Collector's file exporter writes them: OTLP/JSON (lowerCamelCase, ids in hex,
64-bit integers as strings, enums as integers), one request per line, a batch of spans each:

  otlp-sdk.jsonl        the JSON Lines file (what `exporters: file:` writes)
  otlp-sdk-object.json  the same requests merged into one request, pretty-printed

Requires: pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-common
"""

import base64
import binascii
import json
import logging
import os
import random
import sys

from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Link, SpanKind, Status, StatusCode, set_span_in_context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

T0 = 1_732_000_000_000_000_000  # every time is T0 + an offset in nanoseconds
MS = 1_000_000
BATCH = 7  # spans per request, as a batch span processor would send them


class SeededIds(IdGenerator):
    """Reproducible ids (never zero)."""

    def __init__(self, seed):
        self.random = random.Random(seed)

    def generate_span_id(self):
        return self.random.getrandbits(64) or 1

    def generate_trace_id(self):
        return self.random.getrandbits(128) or 1


def provider(service, version, host, seed, exporter):
    resource = Resource.create({
        "service.name": service, "service.version": version, "host.name": host,
        "service.instance.id": "%s-%d" % (host, seed)})
    limits = SpanLimits(max_span_attributes=12, max_events=4, max_links=2, max_event_attributes=3)
    tracer_provider = TracerProvider(resource=resource, id_generator=SeededIds(seed), span_limits=limits)
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    return tracer_provider


def record(exporter):
    propagator = TraceContextTextMapPropagator()
    checkout_provider = provider("checkout", "1.4.2", "web-1", 7, exporter)
    inventory_provider = provider("inventory", "0.9.0", "db-1", 11, exporter)
    http = checkout_provider.get_tracer(
        "checkout.http", "1.2.0", schema_url="https://opentelemetry.io/schemas/1.26.0",
        attributes={"library.flavor": "asgi"})
    queue = checkout_provider.get_tracer("checkout.queue", "0.3.1")
    inventory = inventory_provider.get_tracer("inventory.db", "2.0.0")
    producers = []
    for number in range(10):
        start = T0 + number * 50 * MS
        failed = number % 4 == 3
        incoming = {"traceparent": "00-%032x-%016x-01" % (0xABC0 + number, 0xDEF0 + number),
                    "tracestate": "vendor=%d,other=x" % number} if number % 3 == 0 else {}
        parent_context = propagator.extract(incoming) if incoming else None
        root = http.start_span(
            "POST /checkout", context=parent_context, kind=SpanKind.SERVER, start_time=start,
            attributes={
                "http.request.method": "POST", "http.route": "/checkout",
                "http.response.status_code": 500 if failed else 200,
                "user.premium": number % 2 == 0, "cart.total": 12.5 + number / 4,
                "cart.items": ["book", "pen"][: 1 + number % 2], "cart.quantities": [1, number],
                "cart.weights": [0.25, 1e-7, 3.0], "cart.flags": [True, False],
                "payment.token": bytes([0, 1, 0xFF, number]),
                "order": {"currency": "EUR", "amount": 12.5, "lines": [1, 2], "gift": None},
                "note": None,
            })
        context = set_span_in_context(root)
        root.add_event("cart loaded", {"items": 1 + number % 2, "source": "session"}, timestamp=start + 1 * MS)
        validate = http.start_span("validate cart", context=context, start_time=start + 2 * MS)
        validate.end(end_time=start + 4 * MS)
        call = http.start_span("GET /stock", context=context, kind=SpanKind.CLIENT, start_time=start + 5 * MS,
                               attributes={"server.address": "inventory", "server.port": 8080})
        headers = {}
        propagator.inject(headers, context=set_span_in_context(call))
        remote = propagator.extract(headers)
        served = inventory.start_span("GET /stock", context=remote, kind=SpanKind.SERVER, start_time=start + 6 * MS)
        query = inventory.start_span("SELECT stock", context=set_span_in_context(served), kind=SpanKind.CLIENT,
                                     start_time=start + 7 * MS,
                                     attributes={"db.system": "postgresql", "db.rows": number, "db.cached": False})
        if failed:
            try:
                raise TimeoutError("lock wait timeout on stock")
            except TimeoutError as error:
                query.record_exception(error, {"retry": 2}, timestamp=start + 9 * MS)
            query.set_status(Status(StatusCode.ERROR, "lock wait timeout"))
        query.end(end_time=start + 10 * MS)
        served.set_status(Status(StatusCode.OK))
        served.end(end_time=start + 11 * MS)
        call.end(end_time=start + 12 * MS)
        if number % 5 == 4:
            # More attributes, events and links than the limits allow: the SDK drops and counts.
            noisy = http.start_span(
                "noisy", context=context, start_time=start + 13 * MS,
                attributes={"k%02d" % key: key for key in range(15)},
                links=[Link(producer.get_span_context(), {"n": index}) for index, producer in enumerate(producers[:3])])
            for index in range(6):
                noisy.add_event("tick %d" % index, {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, timestamp=start + (14 + index) * MS)
            noisy.end(end_time=start + 20 * MS)
        publish = queue.start_span("publish order", context=context, kind=SpanKind.PRODUCER, start_time=start + 21 * MS,
                                   attributes={"messaging.system": "kafka", "messaging.destination.name": "orders"})
        publish.end(end_time=start + 22 * MS)
        producers.append(publish)
        if failed:
            root.set_status(Status(StatusCode.ERROR, "stock unavailable"))
        root.end(end_time=start + 25 * MS)
        # The consumer starts a trace of its own, linked to the message's producer.
        consume = inventory.start_span(
            "process order", kind=SpanKind.CONSUMER, start_time=start + 30 * MS,
            links=[Link(publish.get_span_context(), {"messaging.operation": "process", "batch.index": number})],
            attributes={"messaging.system": "kafka"})
        consume.end(end_time=start + 40 * MS)


def hex_ids(request):
    """Protobuf's JSON mapping writes bytes in base64; OTLP/JSON writes trace and span ids in hex."""
    def to_hex(value):
        return binascii.hexlify(base64.b64decode(value)).decode("ascii")
    for resource_spans in request.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = to_hex(span[key])
                for link in span.get("links", []):
                    for key in ("traceId", "spanId"):
                        if key in link:
                            link[key] = to_hex(link[key])
    return request


def main():
    logging.disable(logging.WARNING)  # the SDK warns about every attribute it drops at its limits
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "Fixtures")
    exporter = InMemorySpanExporter()
    record(exporter)
    spans = exporter.get_finished_spans()
    requests = []
    for start in range(0, len(spans), BATCH):
        message = encode_spans(spans[start:start + BATCH])
        requests.append(hex_ids(json_format.MessageToDict(message, use_integers_for_enums=True)))
    # The exception events' stack traces name this script: keep its path relative to the
    # repository, not the machine that made the fixtures.
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep
    with open(os.path.join(folder, "otlp-sdk.jsonl"), "w", encoding="utf-8") as lines:
        for request in requests:
            lines.write(json.dumps(request, separators=(",", ":")).replace(root, "") + "\n")
    merged = {"resourceSpans": [resource for request in requests for resource in request["resourceSpans"]]}
    with open(os.path.join(folder, "otlp-sdk-object.json"), "w", encoding="utf-8") as whole:
        whole.write(json.dumps(merged, indent=1).replace(root, "") + "\n")
    events = sum(len(span.events) for span in spans)
    links = sum(len(span.links) for span in spans)
    traces = len({span.context.trace_id for span in spans})
    print(f"{len(spans)} spans in {traces} traces, {events} events, {links} links, {len(requests)} requests")


if __name__ == "__main__":
    main()
