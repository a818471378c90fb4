import Foundation
import LanesModel
import Testing
@testable import LanesFormat

/// Traces written by the real OpenTelemetry Python SDK (`make_otlp_fixtures.py`), encoded as the
/// Collector's file exporter writes them, go through Lanes without losing anything.
@Suite("OTLP from the OpenTelemetry SDK, without loss")
struct OTLPLosslessTests {
    static let jsonLines = "otlp-sdk.jsonl"
    static let oneObject = "otlp-sdk-object.json"

    static func load(_ name: String) throws -> Trace {
        let result = try TraceLoader.load(path: ChromeTestSupport.fixturePath(name))
        #expect(result.format == .otlp)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        return result.trace
    }

    @Test("import → .lanes → export equals the input field by field, checked with the official schema")
    func roundTripThroughLanesFile() throws {
        let imported = try Self.load(Self.jsonLines)
        let lanesBytes = LanesTraceWriter.encode(imported)
        let (reread, warnings) = try LanesFileReader.read(bytes: lanesBytes, path: "sdk.lanes")
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(reread == imported, "the .lanes file keeps every OpenTelemetry fact")
        guard try OTLPSchemaTests.checkerAvailable() else { return }
        let result = try OTLPSchemaTests.check(
            OTLPTraceExporter.export(reread), arguments: ["--same-as", ChromeTestSupport.fixturePath(Self.jsonLines)])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("equal field by field: 2 resources, 3 scopes, 72 spans, 20 events, 14 links"), "\(result.output)")
    }

    @Test("output freshly written by the installed SDK round-trips too (JSON Lines and one object)")
    func freshSDKOutput() throws {
        guard try OTLPSchemaTests.checkerAvailable() else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-sdk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("make_otlp_fixtures.py").path
        let run = try OTLPSchemaTests.runPython(script, [folder.path])
        guard run.status == 0 else {
            let note = "fresh SDK output not checked: make_otlp_fixtures.py failed (pip install opentelemetry-sdk "
                + "opentelemetry-exporter-otlp-proto-common): \(run.output)"
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: note)) } else { print(note) }
            return
        }
        for name in [Self.jsonLines, Self.oneObject] {
            let path = folder.appendingPathComponent(name).path
            let imported = try TraceLoader.load(path: path)
            #expect(imported.warnings.isEmpty, "\(imported.warnings)")
            let (reread, _) = try LanesFileReader.read(bytes: LanesTraceWriter.encode(imported.trace), path: "fresh.lanes")
            let result = try OTLPSchemaTests.check(OTLPTraceExporter.export(reread), arguments: ["--same-as", path])
            #expect(result.status == 0, "\(name): \(result.output)")
            #expect(result.output.contains("equal field by field"), "\(result.output)")
        }
    }

    @Test("the comparison fails when a field differs")
    func comparisonCanFail() throws {
        guard try OTLPSchemaTests.checkerAvailable() else { return }
        var text = String(decoding: OTLPTraceExporter.export(try Self.load(Self.jsonLines)), as: UTF8.self)
        text = text.replacingOccurrences(of: #"{"key":"db.rows","value":{"intValue":"3"}}"#, with: #"{"key":"db.rows","value":{"stringValue":"3"}}"#)
        let result = try OTLPSchemaTests.check(Array(text.utf8), arguments: ["--same-as", ChromeTestSupport.fixturePath(Self.jsonLines)])
        #expect(result.status == 1)
        #expect(result.output.contains("field attributes"), "\(result.output)")
    }

    @Test("JSON Lines and one object give the same model")
    func jsonLinesAndOneObjectAgree() throws {
        #expect(try Self.load(Self.jsonLines) == Self.load(Self.oneObject))
    }

    @Test("ids, kinds, resources, scopes, typed values, events, links and status are all there")
    func everythingIsKept() throws {
        let trace = try Self.load(Self.jsonLines)
        #expect(trace.spanCount == 72, "span events are events, not spans")
        #expect(trace.telemetry.events.count == 20)
        #expect(trace.telemetry.links.count == 14)
        #expect(trace.telemetry.spanFacts.count == 72)
        #expect(Set(trace.telemetry.spanFacts.map(\.traceID)).count == 20)
        #expect(Set(trace.telemetry.spanFacts.map(\.spanID)).count == 72)
        #expect(Set(trace.telemetry.spanFacts.map(\.kind)) == [.internal, .server, .client, .producer, .consumer])
        // One resource per service, with every attribute.
        let services = trace.telemetry.resources.map { resource in
            Dictionary(uniqueKeysWithValues: resource.attributes.map { (trace.strings[$0.key], trace.text(of: $0.value)) })
        }
        #expect(services.map { $0["service.name"] } == ["checkout", "inventory"])
        #expect(services.allSatisfy { $0["service.version"] != nil && $0["host.name"] != nil && $0["telemetry.sdk.language"] == "python" })
        #expect(trace.telemetry.scopes.map { trace.strings[$0.name] }.sorted() == ["checkout.http", "checkout.queue", "inventory.db"])
        // Typed values, bytes and maps and empty included.
        let checkout = try #require((0..<trace.spanCount).first { trace.name(ofSpan: $0) == "POST /checkout" })
        let values = Dictionary(uniqueKeysWithValues: trace.typedAttributes(ofSpan: checkout).map { ($0.key, $0.value) })
        #expect(values["http.response.status_code"]?.type == .int)
        #expect(values["cart.total"]?.type == .double)
        #expect(values["user.premium"]?.type == .bool)
        #expect(values["cart.quantities"]?.type == .array)
        #expect(values["payment.token"]?.type == .bytes)
        #expect(values["order"]?.type == .keyValueList)
        #expect(values["note"] == .empty)
        // Status: errors with their messages; dropped counts as the SDK reported them.
        let failed = (0..<trace.spanCount).filter { trace.spanStatus[$0] == .error }
        #expect(Set(failed.compactMap { trace.errorMessage(ofSpan: $0) }) == ["stock unavailable", "lock wait timeout"])
        #expect(trace.telemetry.spanFacts.contains { $0.droppedEvents == 2 && $0.droppedLinks == 1 && $0.droppedAttributes == 3 })
    }

    @Test("lanes: one per service and trace, named after the request's root span there, none empty")
    func lanesFollowRequests() throws {
        let trace = try Self.load(Self.jsonLines)
        #expect(trace.tasks.count == 30, "10 checkout requests, their 10 inventory calls, 10 consumer traces")
        for lane in 0..<trace.tasks.count {
            let spans = trace.laneRanges[lane]
            #expect(!spans.isEmpty, "lane \(lane) is empty")
            let roots = spans.filter { span in trace.parent(ofSpan: Int(span)).map { trace.spanTask[$0] != Int32(lane) } ?? true }
            #expect(roots.count == 1, "one request per lane")
            #expect(roots.first.map { trace.name(ofSpan: Int($0)) } == trace.tasks[lane].name)
            let facts = spans.compactMap { trace.telemetry(ofSpan: Int($0)) }
            #expect(Set(facts.map(\.traceID)).count == 1, "one trace per lane")
        }
        #expect(Set(trace.tasks.map(\.name)) == ["POST /checkout", "GET /stock", "process order"])
    }
}
