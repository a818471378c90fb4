import Foundation
import LanesFormat
import LanesModel
import LanesTestSupport
import Testing
@testable import LanesAnalysis

/// What real third-party tracers write that would mislead a naive reader: viztracer's wrapped
/// ring buffer, clang's `Total …` events, counters. Checked on the committed fixtures (made by
/// the real tools, see `regenerate.sh` beside them) and on fresh ones made now when the tools
/// are installed (CI installs viztracer; clang comes with Swift).
@Suite("Third-party quirks")
struct ThirdPartyQuirkTests {
    static let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("LanesFormatTests/Fixtures/third-party").path

    /// Fixtures made now by `regenerate.sh` into a temporary folder, or nil (with a note, or a
    /// failure on CI) when viztracer or clang is missing.
    static let fresh = Task<String?, Never> {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-third-party-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard let child = try? ChildProcess("/usr/bin/env", ["bash", committed + "/regenerate.sh", folder]) else { return nil }
        // finish() waits on a thread of its own: the tools take a while, and every test of this
        // suite waits for them, which must not hold the cooperative threads the other suites need.
        let result = await child.finish()
        guard result.status == 0 else {
            let note = "viztracer or clang unavailable, fresh third-party fixtures not made: \((result.output + result.errors).suffix(300))"
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: note)) } else { print(note) }
            return nil
        }
        return folder
    }

    static func folders() async -> [String] { [committed] + ((await fresh.value).map { [$0] } ?? []) }

    static func load(_ name: String, in folder: String) throws -> TraceLoadResult {
        try TraceLoader.load(path: folder + "/" + name)
    }

    @Test("viztracer's wrapped buffer is reported in one line and kept out of the self-time table")
    func viztracerOverflow() async throws {
        for folder in await Self.folders() {
            let result = try Self.load("viztracer-overflow.json", in: folder)
            let trace = result.trace
            let missingBefore = try #require(trace.metadata.eventsMissingBefore, "\(folder)")
            // The earliest kept event ended then: everything that ended before is gone.
            #expect(missingBefore == trace.spanEnd.min())
            let line = try #require(result.warnings.first?.message)
            #expect(line == "viztracer's buffer wrapped: events before \(DurationText.format(missingBefore - trace.startTime)) are missing")
            #expect(result.warnings.filter { $0.message.contains("wrapped") }.count == 1)

            let summary = TraceSummary(analysis: TraceAnalysis(trace: trace))
            #expect(summary.selfTimeLeftOut > 0)
            // The spans that began before the cut (the program's outer frames) would top the table
            // with the time of children the buffer lost; none of them is listed.
            let leftOutNames = Set((0..<trace.spanCount).filter { trace.spanBegin[$0] < missingBefore && trace.duration(ofSpan: $0) > 0 }
                .map { trace.name(ofSpan: $0) })
            #expect(leftOutNames.contains("builtins.exec"))
            #expect(!summary.topSelfTime.contains { leftOutNames.contains($0.name) && !Self.alsoBegunLater($0.name, trace, missingBefore) })
            let text = summary.lines(title: "overflow").joined(separator: "\n")
            #expect(text.contains("left out: the producer lost events before then"))
        }
    }

    /// Whether some span named `name` began after `time` (so the name may rightly be listed).
    static func alsoBegunLater(_ name: String, _ trace: Trace, _ time: Int64) -> Bool {
        (0..<trace.spanCount).contains { trace.name(ofSpan: $0) == name && trace.spanBegin[$0] >= time }
    }

    @Test("a viztracer trace whose buffer did not wrap says nothing about it")
    func viztracerWhole() async throws {
        for folder in await Self.folders() {
            let result = try Self.load("viztracer-counters.json", in: folder)
            #expect(result.trace.metadata.eventsMissingBefore == nil)
            #expect(!result.warnings.contains { $0.message.contains("wrapped") })
            #expect(TraceSummary(analysis: TraceAnalysis(trace: result.trace)).selfTimeLeftOut == 0)
        }
    }

    @Test("viztracer counters become counter series, every sample in time order")
    func viztracerCounters() async throws {
        for folder in await Self.folders() {
            let path = folder + "/viztracer-counters.json"
            let trace = try TraceLoader.load(path: path).trace
            // The file's own counter events, read with Foundation's parser.
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let counters = (json["traceEvents"] as! [[String: Any]]).filter { $0["ph"] as? String == "C" }
            #expect(counters.count >= 20)
            let lengths = counters.compactMap { ($0["args"] as? [String: Any])?["length"] as? Double }
            let length = try #require(trace.counters.first { $0.name == "queue" && $0.key == "length" })
            #expect(length.values == lengths)
            #expect(length.times == length.times.sorted())
            #expect(trace.counters.map(\.label).sorted() == ["queue length", "queue served"])
            #expect(length.times.first! >= trace.startTime && length.times.last! <= trace.endTime)
        }
    }

    @Test("clang's Total events are totals: listed in the summary, kept out of lanes and overlap")
    func clangTotals() async throws {
        for folder in await Self.folders() {
            let path = folder + "/clang-time-trace.json"
            let trace = try TraceLoader.load(path: path).trace
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let totalEvents = text.components(separatedBy: #""name":"Total "#).count - 1
            #expect(totalEvents > 20)
            #expect(trace.totals.count == totalEvents)
            #expect(!trace.tasks.contains { $0.name.hasPrefix("Total") })
            #expect(!(0..<trace.spanCount).contains { trace.name(ofSpan: $0).hasPrefix("Total ") })
            let compiler = try #require(trace.totals.first { $0.name == "Total ExecuteCompiler" })
            #expect(compiler.count == 1)
            let summary = TraceSummary(analysis: TraceAnalysis(trace: trace))
            // One single-threaded compile: its steps nest, they do not run side by side by the dozen.
            #expect(summary.maxOverlap <= 3, "overlap max \(summary.maxOverlap)")
            #expect(summary.producerTotals.first?.name == "Total ExecuteCompiler")
            let lines = summary.lines(title: "clang")
            let heading = try #require(lines.firstIndex(of: "totals reported by the producer (not drawn as lanes)"))
            #expect(lines[heading + 1].hasPrefix("  Total ExecuteCompiler"))
        }
    }
}
