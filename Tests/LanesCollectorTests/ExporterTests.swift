import Foundation
import LanesFormat
import LanesModel
import Testing
@testable import LanesCollector

/// The receiver fed by the OpenTelemetry Python SDK's own OTLP/HTTP exporter, and by the
/// OTLP JSON encoding of the same spans; the file it writes is read back and checked span by span.
@Suite("lanes collect with real OpenTelemetry exporters", .serialized)
struct ExporterTests {
    /// What every run of `make_spans` in the script produces, checked on the file read back:
    /// per trace a SERVER root `GET /item/i` (its own lane, named after it) with children
    /// `db.query` (CLIENT, int attribute `db.rows` = i) and `render` (one `cache.miss` span event;
    /// every fifth fails), each with its W3C ids and its service's resource.
    static func checkTraces(_ trace: Trace, traces: Int, sourceDescription: String) {
        let roots = (0..<traces).map { CollectorHarness.spans(named: "GET /item/\($0)", in: trace) }
        #expect(roots.allSatisfy { $0.count == 1 }, "\(sourceDescription): one root per trace")
        let queries = CollectorHarness.spans(named: "db.query", in: trace)
        let renders = CollectorHarness.spans(named: "render", in: trace)
        #expect(queries.count == traces && renders.count == traces, "\(sourceDescription)")
        #expect(trace.spanCount == 3 * traces, "\(sourceDescription): 3 spans per trace, span events kept as events")
        #expect(trace.telemetry.events.count == traces, "\(sourceDescription): one span event per trace")
        #expect(trace.tasks.count == traces, "\(sourceDescription): one lane per trace")
        #expect(Set(trace.telemetry.spanFacts.map(\.traceID)).count == traces, "\(sourceDescription): W3C trace ids kept")
        #expect(Set(trace.telemetry.spanFacts.map(\.spanID)).count == 3 * traces, "\(sourceDescription): W3C span ids kept")
        let services = trace.telemetry.resources.map { resource in
            Dictionary(uniqueKeysWithValues: resource.attributes.map { (trace.strings[$0.key], trace.text(of: $0.value)) })
        }
        #expect(services.count == 1 && services.first?["service.version"] == "1.2.3", "\(sourceDescription): \(services)")
        #expect(trace.telemetry.scopes.map { trace.strings[$0.name] } == ["lanes.collect.test"], "\(sourceDescription)")

        for (index, found) in roots.enumerated() {
            guard let root = found.first else { continue }
            #expect(trace.parent(ofSpan: root) == nil)
            #expect(trace.telemetry(ofSpan: root)?.kind == .server)
            #expect(trace.name(ofTask: Int(trace.spanTask[root])) == "GET /item/\(index)", "lane named after its root")
            #expect(trace.attribute("http.method", ofSpan: root) == "GET")
            let children = trace.children(ofSpan: root).map { trace.name(ofSpan: Int($0)) }.sorted()
            #expect(children == ["db.query", "render"], "\(sourceDescription): children of GET /item/\(index)")
        }
        let rows = Set(queries.flatMap { trace.typedAttributes(ofSpan: $0).filter { $0.key == "db.rows" }.map(\.value) })
        #expect(rows == Set((0..<traces).map { AttributeValue.int(Int64($0)) }), "int attributes arrive as ints")
        #expect(queries.allSatisfy { trace.telemetry(ofSpan: $0)?.kind == .client })
        for render in renders {
            let events = trace.events(ofSpan: render)
            #expect(events.map { trace.strings[$0.name] } == ["cache.miss"], "\(sourceDescription)")
            let keys = events.flatMap { trace.attributes(start: $0.attributeStart, count: $0.attributeCount) }
                .map { trace.strings[$0.key] + "=" + trace.text(of: $0.value) }
            #expect(keys.count == 1 && keys[0].hasPrefix("key=item-"), "\(keys)")
        }
        let failed = renders.filter { trace.spanStatus[$0] == .error }
        #expect(failed.count == (traces + 4) / 5, "every fifth render failed")
        #expect(failed.allSatisfy { trace.errorMessage(ofSpan: $0) == "template missing" })
        #expect(failed.allSatisfy { trace.telemetry(ofSpan: $0)?.statusCode == .error })
        for span in 0..<trace.spanCount {
            #expect(trace.spanEnd[span] >= trace.spanBegin[span])
        }
    }

    @Test("the SDK's exporter, batched, protobuf", arguments: [false, true])
    func batchedExport(gzip: Bool) async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        var arguments = ["export", url, "--traces", "40", "--processor", "batch"]
        if gzip { arguments.append("--gzip") }
        let result = try await CollectorHarness.runScript(arguments)
        let failure = await collector.stop()
        #expect(failure == nil)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.lines.first?["flushed"] as? Bool == true, "the exporter reported success: \(result.lines) \(result.errors)")
        let statistics = collector.statistics
        #expect(statistics.acceptedSpans == 120 && statistics.rejectedSpans == 0 && statistics.refusedRequests == 0)
        let loaded = try CollectorHarness.read(path)
        #expect(loaded.format == .lanes)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        Self.checkTraces(loaded.trace, traces: 40, sourceDescription: gzip ? "gzip" : "plain")
    }

    @Test("the SDK's exporter span by span: children arrive before their parents, in other requests")
    func spanBySpanExport() async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        let result = try await CollectorHarness.runScript(["export", url, "--traces", "10", "--processor", "simple"])
        _ = await collector.stop()
        #expect(result.status == 0, "\(result.errors)")
        #expect(collector.statistics.acceptedRequests == 30, "one request per span")
        let loaded = try CollectorHarness.read(path)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        Self.checkTraces(loaded.trace, traces: 10, sourceDescription: "span by span")
    }

    @Test("the OTLP JSON encoding of the SDK's spans, plain and gzip", arguments: [false, true])
    func jsonBodies(gzip: Bool) async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        var arguments = ["json", url, "--traces", "15"]
        if gzip { arguments.append("--gzip") }
        let result = try await CollectorHarness.runScript(arguments)
        _ = await collector.stop()
        let line = try #require(result.lines.first, "\(result.errors)")
        #expect(line["status"] as? Int == 200)
        #expect(line["content_type"] as? String == "application/json")
        #expect(line["body"] as? String == "{}", "full success: partial_success left unset")
        let loaded = try CollectorHarness.read(path)
        Self.checkTraces(loaded.trace, traces: 15, sourceDescription: "JSON")
    }

    @Test("two services sending the same trace ids get lanes of their own")
    func twoServices() async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        for service in ["checkout", "inventory"] {
            let result = try await CollectorHarness.runScript(["export", url, "--traces", "3", "--service", service])
            #expect(result.status == 0)
        }
        _ = await collector.stop()
        let trace = try CollectorHarness.read(path).trace
        #expect(trace.tasks.count == 6)
        #expect(trace.spanCount == 18)
        #expect(trace.telemetry.resources.count == 2, "one resource per service")
    }
}
