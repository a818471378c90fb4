import Foundation
import LanesFormat
import LanesModel
import Testing
@testable import LanesCollector

/// `lanes collect` keeps what `lanes convert` keeps: the OpenTelemetry Python SDK's richest
/// spans (the OTLP fixtures' script: two services, every kind, events, exceptions, links, remote
/// parents, every attribute type, dropped counts), sent by the SDK's own exporter in requests of
/// 7 spans, come out of the collected file's OTLP export as the SDK encoded them, field by
/// field through the official schema, and read back as the same model as the SDK's encoding
/// imported straight from a file.
@Suite("lanes collect without loss", .serialized)
struct LosslessTests {
    static let schemaCheck = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../LanesFormatTests/otlp_schema_check.py").standardized.path

    @Test("the SDK's spans, collected, export as the SDK encoded them", arguments: ["protobuf", "json", "protobuf+gzip"])
    func collectedEqualsSDK(_ encoding: String) async throws {
        guard try await CollectorHarness.sdkAvailable() else { return }
        let (collector, path, url) = try await CollectorHarness.start()
        let expected = try CollectorHarness.temporaryFile("sdk.jsonl")
        var arguments = ["lossless", url, "--expected", expected]
        if encoding == "json" { arguments.append("--json") }
        if encoding.hasSuffix("gzip") { arguments.append("--gzip") }
        let sent = try await CollectorHarness.runScript(arguments)
        let failure = await collector.stop()
        #expect(failure == nil)
        let line = try #require(sent.lines.first, "the script said nothing: \(sent.errors)")
        #expect(sent.status == 0 && line["failed"] as? Int == 0, "\(sent.lines) \(sent.errors)")
        let spans = try #require(line["spans"] as? Int)
        #expect(spans == 72 && line["events"] as? Int == 20 && line["links"] as? Int == 14, "\(line)")
        #expect(collector.statistics.acceptedSpans == spans && collector.statistics.rejectedSpans == 0)

        let collected = try CollectorHarness.read(path)
        #expect(collected.format == .lanes)
        #expect(collected.warnings.isEmpty, "\(collected.warnings)")
        let converted = try TraceLoader.load(path: expected)
        #expect(converted.format == .otlp)
        let collectedSpans = Self.describeSpans(collected.trace)
        let convertedSpans = Self.describeSpans(converted.trace)
        #expect(collectedSpans.count == spans)
        for (id, description) in convertedSpans where collectedSpans[id] != description {
            Issue.record("span \(String(id, radix: 16)): collected \(collectedSpans[id] ?? "missing")\n  imported \(description)")
        }
        #expect(collected.trace.tasks.count == converted.trace.tasks.count, "the same lanes as the importer makes")

        // The OTLP export of the collected file, against the SDK's own encoding.
        let exported = try CollectorHarness.temporaryFile("collected.otlp.json")
        try Data(OTLPTraceExporter.export(collected.trace)).write(to: URL(fileURLWithPath: exported))
        let check = try await CollectorHarness.runPython([Self.schemaCheck, exported, "--same-as", expected])
        if check.status == 3 {
            let note = "schema comparison skipped: opentelemetry-proto is missing (pip install opentelemetry-proto)"
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: note)) } else { print(note) }
            return
        }
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("equal field by field: 2 resources, 3 scopes, 72 spans, 20 events, 14 links"), "\(check.output)")
    }

    /// Each span, by its W3C span id, as one line of everything the model holds about it: times,
    /// name, lane name, parent's span id, kind, status, typed attributes, events, links, scope and
    /// resource; equal lines mean equal spans whatever order and numbering the traces use.
    static func describeSpans(_ trace: Trace) -> [UInt64: String] {
        var result: [UInt64: String] = [:]
        func attributes(_ list: some Sequence<TelemetryAttribute>) -> String {
            list.map { "\(trace.strings[$0.key])=\(trace.value(of: $0.value))" }.joined(separator: ",")
        }
        for span in 0..<trace.spanCount {
            guard let facts = trace.telemetry(ofSpan: span) else { continue }
            let parent = trace.parent(ofSpan: span).flatMap { trace.telemetry(ofSpan: $0)?.spanID } ?? 0
            let scope = facts.scope >= 0 ? trace.telemetry.scopes[Int(facts.scope)] : nil
            let resource = scope.flatMap { $0.resource >= 0 ? trace.telemetry.resources[Int($0.resource)] : nil }
            let events = trace.events(ofSpan: span).map {
                "\(trace.strings[$0.name])@\($0.time)[\(attributes(trace.attributes(start: $0.attributeStart, count: $0.attributeCount)))]-\($0.droppedAttributes)"
            }
            let links = trace.links(ofSpan: span).map {
                "\($0.traceID.high)/\($0.traceID.low)/\($0.spanID)/\(trace.strings[$0.traceState])/\($0.flags)"
                    + "[\(attributes(trace.attributes(start: $0.attributeStart, count: $0.attributeCount)))]-\($0.droppedAttributes)"
            }
            result[facts.spanID] = [
                "\(trace.spanBegin[span])..\(trace.spanEnd[span])", trace.name(ofSpan: span),
                "lane \(trace.name(ofTask: Int(trace.spanTask[span])))", "parent \(String(parent, radix: 16))",
                "remote parent \(String(facts.parentSpanID, radix: 16))", "trace \(facts.traceID.high)/\(facts.traceID.low)",
                "\(facts.kind) \(facts.statusCode) \(trace.strings[facts.statusMessage]) \(trace.spanStatus[span])",
                "flags \(facts.flags) state \(trace.strings[facts.traceState])",
                "dropped \(facts.droppedAttributes)/\(facts.droppedEvents)/\(facts.droppedLinks)",
                "attributes \(trace.typedAttributes(ofSpan: span).map { "\($0.key)=\($0.value)" })",
                "events \(events)", "links \(links)",
                "scope \(scope.map { trace.strings[$0.name] + " " + trace.strings[$0.version] + " " + attributes($0.attributes) } ?? "-")",
                "resource \(resource.map { attributes($0.attributes) } ?? "-")",
            ].joined(separator: " | ")
        }
        return result
    }
}

/// Lanes' own OTLP export (Lanes' scope: tasks, threads, Lanes kinds and the recording's clock
/// in its facts) sent to `lanes collect` comes back as the recording it was made from.
@Suite("lanes collect of a Lanes export")
struct LanesExportCollectTests {
    @Test("a recording's OTLP export, posted, keeps its spans, tasks, threads and times")
    func recordingRoundTrip() async throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Traces/seed-naive.lanes").standardized.path
        let recorded = try TraceLoader.load(path: source).trace
        #expect(recorded.spanCount > 10)
        let (collector, path, url) = try await CollectorHarness.start()
        let response = try await CollectorHarness.post(url, body: OTLPTraceExporter.export(recorded), contentType: "application/json")
        _ = await collector.stop()
        #expect(response.status == 200)
        let collected = try CollectorHarness.read(path)
        #expect(collected.warnings.isEmpty, "\(collected.warnings)")
        // The collected file keeps Unix times: the recording's clock moved by its clock pair.
        let offset = recorded.metadata.unixNanosecondsAtClock - recorded.metadata.clockAtStart
        #expect(Self.spans(collected.trace, shiftedBy: 0) == Self.spans(recorded, shiftedBy: offset))
        func spanTasks(_ trace: Trace) -> Set<UInt64> { Set((0..<trace.spanCount).map { trace.tasks.id(ofTask: Int(trace.spanTask[$0])) }) }
        #expect(spanTasks(collected.trace) == spanTasks(recorded), "Lanes' task ids, not service lanes")
        #expect(spanTasks(collected.trace).count > 1)
    }

    /// Each span as one line: Unix times, name, kind, status, task id and name, thread, parent's name.
    static func spans(_ trace: Trace, shiftedBy offset: Int64) -> [String] {
        (0..<trace.spanCount).map { span in
            let thread = trace.spanThread[span] >= 0 ? trace.threads[Int(trace.spanThread[span])].name : "-"
            let task = trace.tasks[Int(trace.spanTask[span])]
            return "\(trace.spanBegin[span] + offset)..\(trace.spanEnd[span] + offset) \(trace.name(ofSpan: span)) "
                + "\(trace.spanKind[span]) \(trace.spanStatus[span]) task \(task.id) \(task.name) thread \(thread) "
                + "parent \(trace.parent(ofSpan: span).map { trace.name(ofSpan: $0) } ?? "-")"
        }.sorted()
    }
}
