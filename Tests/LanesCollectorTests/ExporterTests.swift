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
    /// per trace a root `GET /item/i` (its own lane, named after it) with children `db.query`
    /// (attribute `db.rows` = i) and `render` (one `cache.miss` event; every fifth fails).
    static func checkTraces(_ trace: Trace, traces: Int, sourceDescription: String) {
        let roots = (0..<traces).map { CollectorHarness.spans(named: "GET /item/\($0)", in: trace) }
        #expect(roots.allSatisfy { $0.count == 1 }, "\(sourceDescription): one root per trace")
        let queries = CollectorHarness.spans(named: "db.query", in: trace)
        let renders = CollectorHarness.spans(named: "render", in: trace)
        let misses = CollectorHarness.spans(named: "cache.miss", in: trace)
        #expect(queries.count == traces && renders.count == traces && misses.count == traces, "\(sourceDescription)")
        #expect(trace.spanCount == 4 * traces, "\(sourceDescription): 3 spans and 1 event per trace")
        #expect(trace.tasks.count == traces, "\(sourceDescription): one lane per trace")

        for (index, found) in roots.enumerated() {
            guard let root = found.first else { continue }
            #expect(trace.parent(ofSpan: root) == nil)
            #expect(trace.name(ofTask: Int(trace.spanTask[root])) == "GET /item/\(index)", "lane named after its root")
            #expect(trace.attribute("http.method", ofSpan: root) == "GET")
            let children = trace.children(ofSpan: root).map { trace.name(ofSpan: Int($0)) }.sorted()
            #expect(children == ["db.query", "render"], "\(sourceDescription): children of GET /item/\(index)")
        }
        let rows = Set(queries.compactMap { trace.attribute("db.rows", ofSpan: $0) })
        #expect(rows == Set((0..<traces).map(String.init)), "int attributes arrive")
        for miss in misses {
            #expect(trace.parent(ofSpan: miss).map { trace.name(ofSpan: $0) } == "render")
            #expect(trace.spanFlags[miss].contains(.instant))
            #expect(trace.attribute("key", ofSpan: miss)?.hasPrefix("item-") == true)
        }
        let failed = renders.filter { trace.spanStatus[$0] == .error }
        #expect(failed.count == (traces + 4) / 5, "every fifth render failed")
        #expect(failed.allSatisfy { trace.attribute("error", ofSpan: $0) == "template missing" })
        for span in 0..<trace.spanCount {
            #expect(trace.spanEnd[span] >= trace.spanBegin[span])
        }
    }

    @Test("the SDK's exporter, batched, protobuf", arguments: [false, true])
    func batchedExport(gzip: Bool) async throws {
        guard try CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        var arguments = ["export", url, "--traces", "40", "--processor", "batch"]
        if gzip { arguments.append("--gzip") }
        let result = try CollectorHarness.runScript(arguments)
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
        guard try CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        let result = try CollectorHarness.runScript(["export", url, "--traces", "10", "--processor", "simple"])
        _ = await collector.stop()
        #expect(result.status == 0, "\(result.errors)")
        #expect(collector.statistics.acceptedRequests == 30, "one request per span")
        let loaded = try CollectorHarness.read(path)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        Self.checkTraces(loaded.trace, traces: 10, sourceDescription: "span by span")
    }

    @Test("the OTLP JSON encoding of the SDK's spans, plain and gzip", arguments: [false, true])
    func jsonBodies(gzip: Bool) async throws {
        guard try CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        var arguments = ["json", url, "--traces", "15"]
        if gzip { arguments.append("--gzip") }
        let result = try CollectorHarness.runScript(arguments)
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
        guard try CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        for service in ["checkout", "inventory"] {
            let result = try CollectorHarness.runScript(["export", url, "--traces", "3", "--service", service])
            #expect(result.status == 0)
        }
        _ = await collector.stop()
        let trace = try CollectorHarness.read(path).trace
        #expect(trace.tasks.count == 6)
        #expect(trace.spanCount == 24)
    }
}
