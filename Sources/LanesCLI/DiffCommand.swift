import ArgumentParser
import Foundation
import LanesAnalysis
import LanesFormat

/// `lanes diff A B`: did the change make it better? Requests per route judged per occurrence
/// (count, rate, p50/p99, a rank test), spans matched by path and across wrappers, findings by
/// rule and site, and a latency gate for CI.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs: requests per route (p50, p99, a significance test), spans, findings resolved and new.",
        discussion: """
            Root spans are grouped by route (handler or span name) and compared per occurrence with a \
            Mann–Whitney U test, so noise reads "no significant change". Spans are matched by path \
            (handler › span › child, names normalised) and across added or removed wrappers.
            Exit codes: 0 success, 1 --fail-if-slower found a significant slowdown, 2 usage error, \
            3 unreadable input.
            """)

    @Argument(help: "The earlier run (A).")
    var fileA: String

    @Argument(help: "The later run (B).")
    var fileB: String

    @Flag(help: "Print one JSON object with snake_case keys instead of the text report.")
    var json = false

    @Flag(help: "Open the side-by-side view instead of the report (the same as 'lanes view A --diff B').")
    var view = false

    @Option(name: .customLong("fail-if-slower"), help: ArgumentHelp(
        "Exit with status 1 when B is significantly slower than A by more than PCT percent (see --metric).",
        valueName: "PCT"))
    var failIfSlower: Double?

    @Option(help: ArgumentHelp(
        "With --fail-if-slower: what to compare: p50 (default), p90 or p99 of each route's requests, or wall (the run's wall time).",
        valueName: "p50|p90|p99|wall"))
    var metric: DiffGate.Metric?

    @Option(help: ArgumentHelp(
        "With --fail-if-slower: judge the occurrences of this route, span name or path instead of every route.",
        valueName: "NAME"))
    var span: String?

    func validate() throws {
        if let failIfSlower, !(failIfSlower.isFinite && failIfSlower >= 0) {
            throw ValidationError("--fail-if-slower takes a percentage ≥ 0, not \(failIfSlower).")
        }
        if span != nil || metric != nil, failIfSlower == nil {
            throw ValidationError("--span and --metric only apply with --fail-if-slower PCT.")
        }
        if span != nil, metric == .wall {
            throw ValidationError("--metric wall compares the runs' wall time; it cannot be combined with --span.")
        }
        if view, json || failIfSlower != nil {
            throw ValidationError("--view opens the viewer; it cannot be combined with --json or --fail-if-slower.")
        }
    }

    func run() async throws {
        if view {
            let viewer = try ViewCommand.parse([fileA, "--diff", fileB])
            try await viewer.run()
            return
        }
        let (loadedA, loadedB) = try AnalysisCommandSupport.loadTraces(pathA: fileA, pathB: fileB)
        let diff = TraceDiff(a: loadedA.trace, b: loadedB.trace)

        var gate: DiffGate?
        if let failIfSlower {
            do {
                gate = try DiffGate(diff, metric: metric ?? .p50, span: span, thresholdPercent: failIfSlower)
            } catch let unknown as DiffGate.UnknownSpan {
                throw ValidationError("No route or span named '\(unknown.name)' in either run.")
            }
        }
        func source(_ file: String, _ loaded: TraceLoadResult) -> ReportSource {
            ReportSource(file: DisplayText.escaped(file), format: loaded.format.rawValue, warnings: loaded.warnings.map { DisplayText.escaped($0.message) })
        }
        let report = DiffReport(diff, sourceA: source(fileA, loadedA), sourceB: source(fileB, loadedB), gate: gate)

        if json {
            try AnalysisCommandSupport.printJSON(report)
        } else {
            print(report.lines().joined(separator: "\n"))
        }

        if let gate, gate.failed {
            let failing = gate.checks.filter(\.failed).map { check in
                "\(check.subject) \(gate.metric.rawValue) \(DisplayText.duration(check.a.nanoseconds)) → \(DisplayText.duration(check.b.nanoseconds)) (+\(DisplayText.decimal(check.changePercent, digits: 0))%)"
            }
            AnalysisCommandSupport.printError(
                "lanes: \(DisplayText.escaped(fileB)) is significantly slower than \(DisplayText.escaped(fileA)), beyond --fail-if-slower \(Self.percentText(gate.thresholdPercent))%: \(failing.joined(separator: "; "))")
            throw ExitCode(1)
        }
    }

    /// `5` for 5.0, `2.5` for 2.5.
    static func percentText(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension DiffGate.Metric: ExpressibleByArgument {}
