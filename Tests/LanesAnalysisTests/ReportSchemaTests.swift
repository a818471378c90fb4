import Foundation
import LanesFormat
import LanesModel
import LanesSynthetic
import Testing
@testable import LanesAnalysis

/// The JSON of `lanes summary --json` and `lanes diff --json` is a contract for scripts: every key
/// and the type of its value are pinned here. A change to a report type that adds, removes or
/// retypes a key fails this test, and the README's list must change with it.
@Suite("Report JSON schema")
struct ReportSchemaTests {
    static var packageRoot: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }

    static func seed(_ name: String) throws -> Trace {
        try TraceLoader.load(path: packageRoot + "/Traces/" + name).trace
    }

    /// A JSON value as decoded, keeping booleans apart from numbers.
    indirect enum JSON: Decodable {
        case object([String: JSON]), array([JSON]), string(String), number(Double), boolean(Bool), null

        init(from decoder: any Decoder) throws {
            if let object = try? decoder.container(keyedBy: Key.self) {
                var values: [String: JSON] = [:]
                for key in object.allKeys { values[key.stringValue] = try object.decode(JSON.self, forKey: key) }
                self = .object(values)
            } else if var array = try? decoder.unkeyedContainer() {
                var values: [JSON] = []
                while !array.isAtEnd { values.append(try array.decode(JSON.self)) }
                self = .array(values)
            } else {
                let single = try decoder.singleValueContainer()
                if single.decodeNil() { self = .null }
                else if let value = try? single.decode(Bool.self) { self = .boolean(value) }
                else if let value = try? single.decode(Double.self) { self = .number(value) }
                else { self = .string(try single.decode(String.self)) }
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    /// Every key path of `value` with the JSON types found there: `a.b[].c: number`. Arrays
    /// list the union over their elements; a key that is sometimes null shows `null` too.
    static func schema(_ value: JSON, path: String = "", into types: inout [String: Set<String>]) {
        switch value {
        case .object(let object):
            types[path.isEmpty ? "." : path, default: []].insert("object")
            for (key, child) in object { schema(child, path: path.isEmpty ? key : path + "." + key, into: &types) }
        case .array(let array):
            types[path, default: []].insert("array")
            for element in array { schema(element, path: path + "[]", into: &types) }
        case .null: types[path, default: []].insert("null")
        case .number: types[path, default: []].insert("number")
        case .boolean: types[path, default: []].insert("boolean")
        case .string: types[path, default: []].insert("string")
        }
    }

    static func schemaLines(of reports: [any Encodable]) throws -> [String] {
        var types: [String: Set<String>] = [:]
        let encoder = JSONEncoder()
        for report in reports {
            let data = try encoder.encode(report)
            schema(try JSONDecoder().decode(JSON.self, from: data), into: &types)
        }
        return types.keys.sorted().map { "\($0): \(types[$0]!.sorted().joined(separator: "|"))" }
    }

    @Test("lanes summary --json: keys and types")
    func summary() throws {
        var naive = TraceSummary(analysis: TraceAnalysis(trace: try Self.seed("seed-naive.lanes")))
        naive.source = ReportSource(file: "seed-naive.lanes", format: "lanes", warnings: ["1 record damaged"])
        let empty = TraceSummary(analysis: TraceAnalysis(trace: .empty))
        // An imported trace without span kinds or task states: rules skipped, blocked and queued
        // null; its producer lost early events and reported totals (as viztracer and clang do).
        var metadata = TraceMetadata(sourceFormat: "chrome")
        metadata.eventsMissingBefore = 500
        var builder = TraceBuilder(metadata: metadata)
        builder.totals.append(ProducerTotal(name: "Total Frontend", nanoseconds: 900, count: 3))
        let task = builder.task(id: 1, name: "worker")
        builder.addSpan(name: builder.intern("request"), kind: .unknown, begin: 0, end: 1_000, task: task)
        let imported = TraceSummary(analysis: TraceAnalysis(trace: builder.build()))
        let lines = try Self.schemaLines(of: [naive, empty, imported])
        #expect(lines == Self.summarySchema, Comment(rawValue: "\n" + lines.joined(separator: "\n")))
    }

    @Test("lanes diff --json: keys and types")
    func diff() throws {
        let seed = TraceDiff(a: try Self.seed("seed-naive.lanes"), b: try Self.seed("seed-improved.lanes"))
        let ms: Int64 = 1_000_000
        func load(_ median: Int64, seed: UInt64) -> Trace {
            ServerTrace.build(ServerLoad(routes: [.init(name: "GET /work", median: median * ms)], requests: 400,
                                         duration: 10_000_000_000, seed: seed, withTaskStates: seed == 1))
        }
        func load(_ route: String, _ median: Int64, seed: UInt64) -> Trace {
            ServerTrace.build(ServerLoad(routes: [.init(name: route, median: median * ms)], requests: 400,
                                         duration: 10_000_000_000, seed: seed))
        }
        let loadTest = TraceDiff(a: load(20, seed: 1), b: load(60, seed: 2))
        let renamed = TraceDiff(a: load("GET /sequential", 60, seed: 3), b: load("GET /fixed", 20, seed: 4))
        let reports = [
            DiffReport(seed, sourceA: ReportSource(file: "a.lanes", format: "lanes", warnings: ["1 record damaged"]),
                       sourceB: ReportSource(file: "b.lanes", format: "lanes")),
            DiffReport(loadTest, gate: try DiffGate(loadTest, metric: .p50, span: nil, thresholdPercent: 10)),
            DiffReport(renamed, gate: try DiffGate(renamed, metric: .p99, span: "GET /fixed", thresholdPercent: 10)),
        ]
        let lines = try Self.schemaLines(of: reports)
        #expect(lines == Self.diffSchema, Comment(rawValue: "\n" + lines.joined(separator: "\n")))
    }

    static let summarySchema = """
        .: object
        blocked_seconds: null|number
        critical_path: null|object
        critical_path.handler: string
        critical_path.seconds: number
        critical_path.spans: array
        critical_path.spans[]: object
        critical_path.spans[].name: string
        critical_path.spans[].seconds: number
        events_missing_before_seconds: null|number
        executor_thread_count: number
        file: null|string
        finding_counts: object
        finding_counts.blocking-call: number
        finding_counts.executor-stall: number
        finding_counts.run-sync-in-async: number
        finding_counts.sequential-awaits: number
        findings: array
        findings[]: object
        findings[].advice: string
        findings[].max_seconds: number
        findings[].message: string
        findings[].occurrences: number
        findings[].p50_seconds: number
        findings[].rule: string
        findings[].seconds: number
        findings[].site: null|object
        findings[].site.file: null
        findings[].site.function: null
        findings[].site.line: null
        findings[].site.name: string
        findings[].span: string
        findings[].span_index: number
        findings[].state: null|string
        findings[].waited_seconds: number
        format: null|string
        has_task_states: boolean
        job_source: string
        max_overlap: number
        overlapped_seconds: number
        producer_totals: array
        producer_totals[]: object
        producer_totals[].count: number
        producer_totals[].name: string
        producer_totals[].seconds: number
        queued_seconds: null|number
        routes: array
        routes[]: object
        routes[].count: number
        routes[].max_seconds: number
        routes[].p50_seconds: number
        routes[].p90_seconds: number
        routes[].p99_seconds: number
        routes[].rate_per_second: number
        routes[].route: string
        routes[].total_seconds: number
        self_time_left_out: number
        skipped_rules: array
        skipped_rules[]: object
        skipped_rules[].reason: string
        skipped_rules[].rule: string
        span_count: number
        task_count: number
        thread_count: number
        top_self_time: array
        top_self_time[]: object
        top_self_time[].count: number
        top_self_time[].name: string
        top_self_time[].seconds: number
        wall_seconds: number
        warnings: array
        warnings[]: string
        """.split(separator: "\n").map { String($0) }

    static let diffSchema = """
        .: object
        a: object
        a.file: null|string
        a.format: null|string
        a.has_span_kinds: boolean
        a.has_task_states: boolean
        a.root_count: number
        a.span_count: number
        a.wall_seconds: number
        a.warnings: array
        a.warnings[]: string
        all_requests: object
        all_requests.a: object
        all_requests.a.count: number
        all_requests.a.max_seconds: number
        all_requests.a.p50_seconds: number
        all_requests.a.p90_seconds: number
        all_requests.a.p99_seconds: number
        all_requests.a.rate_per_second: number
        all_requests.a.total_seconds: number
        all_requests.b: object
        all_requests.b.count: number
        all_requests.b.max_seconds: number
        all_requests.b.p50_seconds: number
        all_requests.b.p90_seconds: number
        all_requests.b.p99_seconds: number
        all_requests.b.rate_per_second: number
        all_requests.b.total_seconds: number
        all_requests.change: string
        all_requests.name: string
        all_requests.name_in_b: null
        all_requests.p50_change_percent: number
        all_requests.p99_change_percent: number
        all_requests.test: null|object
        all_requests.test.name: string
        all_requests.test.p_value: number
        all_requests.test.probability_b_longer: number
        all_requests.test.u: number
        all_requests.test.z: number
        b: object
        b.file: null|string
        b.format: null|string
        b.has_span_kinds: boolean
        b.has_task_states: boolean
        b.root_count: number
        b.span_count: number
        b.wall_seconds: number
        b.warnings: array
        blocked_seconds: object
        blocked_seconds.a: number
        blocked_seconds.b: number
        blocked_seconds.delta: number
        findings: object
        findings.new: array
        findings.new[]: object
        findings.new[].a: null
        findings.new[].b: object
        findings.new[].b.advice: string
        findings.new[].b.max_seconds: number
        findings.new[].b.message: string
        findings.new[].b.occurrences: number
        findings.new[].b.p50_seconds: number
        findings.new[].b.rule: string
        findings.new[].b.seconds: number
        findings.new[].b.site: null
        findings.new[].b.span: null|string
        findings.new[].b.span_index: number
        findings.new[].b.state: null
        findings.new[].b.waited_seconds: number
        findings.new[].rule: string
        findings.new[].site: string
        findings.new[].status: string
        findings.remaining: array
        findings.remaining[]: object
        findings.remaining[].a: object
        findings.remaining[].a.advice: string
        findings.remaining[].a.max_seconds: number
        findings.remaining[].a.message: string
        findings.remaining[].a.occurrences: number
        findings.remaining[].a.p50_seconds: number
        findings.remaining[].a.rule: string
        findings.remaining[].a.seconds: number
        findings.remaining[].a.site: object
        findings.remaining[].a.site.file: null
        findings.remaining[].a.site.function: null
        findings.remaining[].a.site.line: null
        findings.remaining[].a.site.name: string
        findings.remaining[].a.span: string
        findings.remaining[].a.span_index: number
        findings.remaining[].a.state: null|string
        findings.remaining[].a.waited_seconds: number
        findings.remaining[].b: object
        findings.remaining[].b.advice: string
        findings.remaining[].b.max_seconds: number
        findings.remaining[].b.message: string
        findings.remaining[].b.occurrences: number
        findings.remaining[].b.p50_seconds: number
        findings.remaining[].b.rule: string
        findings.remaining[].b.seconds: number
        findings.remaining[].b.site: object
        findings.remaining[].b.site.file: null
        findings.remaining[].b.site.function: null
        findings.remaining[].b.site.line: null
        findings.remaining[].b.site.name: string
        findings.remaining[].b.span: string
        findings.remaining[].b.span_index: number
        findings.remaining[].b.state: null|string
        findings.remaining[].b.waited_seconds: number
        findings.remaining[].rule: string
        findings.remaining[].site: string
        findings.remaining[].status: string
        findings.resolved: array
        findings.resolved[]: object
        findings.resolved[].a: object
        findings.resolved[].a.advice: string
        findings.resolved[].a.max_seconds: number
        findings.resolved[].a.message: string
        findings.resolved[].a.occurrences: number
        findings.resolved[].a.p50_seconds: number
        findings.resolved[].a.rule: string
        findings.resolved[].a.seconds: number
        findings.resolved[].a.site: null|object
        findings.resolved[].a.site.file: null
        findings.resolved[].a.site.function: null
        findings.resolved[].a.site.line: null
        findings.resolved[].a.site.name: string
        findings.resolved[].a.span: string
        findings.resolved[].a.span_index: number
        findings.resolved[].a.state: null|string
        findings.resolved[].a.waited_seconds: number
        findings.resolved[].b: null
        findings.resolved[].rule: string
        findings.resolved[].site: string
        findings.resolved[].status: string
        gate: null|object
        gate.checks: array
        gate.checks[]: object
        gate.checks[].a_seconds: number
        gate.checks[].b_seconds: number
        gate.checks[].change_percent: number
        gate.checks[].failed: boolean
        gate.checks[].p_value: null|number
        gate.checks[].subject: string
        gate.failed: boolean
        gate.metric: string
        gate.span: null|string
        gate.threshold_percent: number
        max_overlap: object
        max_overlap.a: number
        max_overlap.b: number
        max_overlap.delta: number
        moved: array
        moved[]: object
        moved[].count: number
        moved[].path_a: string
        moved[].path_b: string
        not_compared_rules: array
        only_in_a: array
        only_in_a[]: object
        only_in_a[].count: number
        only_in_a[].name: string
        only_in_a[].total_seconds: number
        only_in_b: array
        only_in_b[]: object
        only_in_b[].count: number
        only_in_b[].name: string
        only_in_b[].total_seconds: number
        overlap_changes: array
        overlap_changes[]: object
        overlap_changes[].a_seconds: number
        overlap_changes[].b_seconds: number
        overlap_changes[].count: number
        overlap_changes[].mode_a: string
        overlap_changes[].mode_b: string
        overlap_changes[].spans: array
        overlap_changes[].spans[]: string
        overlapped_seconds: object
        overlapped_seconds.a: number
        overlapped_seconds.b: number
        overlapped_seconds.delta: number
        queued_seconds: object
        queued_seconds.a: number
        queued_seconds.b: null|number
        queued_seconds.delta: null|number
        routes: array
        routes[]: object
        routes[].a: object
        routes[].a.count: number
        routes[].a.max_seconds: number
        routes[].a.p50_seconds: number
        routes[].a.p90_seconds: number
        routes[].a.p99_seconds: number
        routes[].a.rate_per_second: number
        routes[].a.total_seconds: number
        routes[].b: object
        routes[].b.count: number
        routes[].b.max_seconds: number
        routes[].b.p50_seconds: number
        routes[].b.p90_seconds: number
        routes[].b.p99_seconds: number
        routes[].b.rate_per_second: number
        routes[].b.total_seconds: number
        routes[].change: string
        routes[].name: string
        routes[].name_in_b: null
        routes[].p50_change_percent: number
        routes[].p99_change_percent: number
        routes[].test: null|object
        routes[].test.name: string
        routes[].test.p_value: number
        routes[].test.probability_b_longer: number
        routes[].test.u: number
        routes[].test.z: number
        routes_only_in_a: array
        routes_only_in_a[]: object
        routes_only_in_a[].count: number
        routes_only_in_a[].name: string
        routes_only_in_a[].total_seconds: number
        routes_only_in_b: array
        routes_only_in_b[]: object
        routes_only_in_b[].count: number
        routes_only_in_b[].name: string
        routes_only_in_b[].total_seconds: number
        spans: array
        spans[]: object
        spans[].a: object
        spans[].a.count: number
        spans[].a.max_seconds: number
        spans[].a.p50_seconds: number
        spans[].a.p90_seconds: number
        spans[].a.p99_seconds: number
        spans[].a.rate_per_second: number
        spans[].a.total_seconds: number
        spans[].b: object
        spans[].b.count: number
        spans[].b.max_seconds: number
        spans[].b.p50_seconds: number
        spans[].b.p90_seconds: number
        spans[].b.p99_seconds: number
        spans[].b.rate_per_second: number
        spans[].b.total_seconds: number
        spans[].change: string
        spans[].name: string
        spans[].name_in_b: null|string
        spans[].p50_change_percent: number
        spans[].p99_change_percent: number
        spans[].test: null|object
        spans[].test.name: string
        spans[].test.p_value: number
        spans[].test.probability_b_longer: number
        spans[].test.u: number
        spans[].test.z: number
        unchanged: boolean
        verdict: object
        verdict.basis: string
        verdict.headline: string
        verdict.outcome: string
        wall_seconds: object
        wall_seconds.a: number
        wall_seconds.b: number
        wall_seconds.delta: number
        """.split(separator: "\n").map { String($0) }
}
