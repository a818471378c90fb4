import ArgumentParser
import Foundation
import LanesAnalysis
import LanesFormat
import LanesWriter
import LanesSymbols

/// `lanes summary FILE`: what blocked, what waited, what overlapped, and what to fix first.
struct SummaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Report what blocked, waited and overlapped in a trace, with findings and advice.",
        discussion: """
            Rules: \(FindingRule.allCases.map(\.rawValue).joined(separator: ", ")).
            Exit codes: 0 success, 1 a --fail-on rule found something, 2 usage error, \
            3 unreadable input.
            """)

    @Argument(help: "The trace to summarise (.lanes, Chrome Trace Event JSON or OTLP JSON).")
    var file: String

    @Flag(help: "Print one JSON object with snake_case keys instead of the text report.")
    var json = false

    @Option(name: .customLong("fail-on"), help: ArgumentHelp(
        "Exit with status 1 when a finding of any of these rules exists (comma-separated).",
        valueName: "RULE,…"))
    var failOn: String?

    @Option(name: .customLong("blocking-threshold"), help: ArgumentHelp(
        "A job that held an executor thread this long, or a sync span on one, is a blocking-call (default 20).",
        valueName: "MS"))
    var blockingThreshold: Double?

    @Option(name: .customLong("stall-threshold"), help: ArgumentHelp(
        "Executor threads held by blocking work while jobs wait, or a ready job waiting, this long is an executor-stall (default 100).",
        valueName: "MS"))
    var stallThreshold: Double?

    func validate() throws {
        _ = try Self.parseRules(failOn)
        for (name, value) in [("--blocking-threshold", blockingThreshold), ("--stall-threshold", stallThreshold)] {
            if let value, !(value.isFinite && value >= 0 && value <= 1e12) {
                throw ValidationError("\(name) takes a number of milliseconds ≥ 0, not \(value).")
            }
        }
    }

    func run() async throws {
        let failRules = try Self.parseRules(failOn)
        let loaded = try AnalysisCommandSupport.loadTrace(path: file)
        var options = AnalysisOptions()
        if let blockingThreshold { options.blockingCallThreshold = AnalysisCommandSupport.nanoseconds(milliseconds: blockingThreshold) }
        if let stallThreshold { options.stallThreshold = AnalysisCommandSupport.nanoseconds(milliseconds: stallThreshold) }
        let analysis = TraceAnalysis(trace: loaded.trace, options: options)
        var summary = TraceSummary(analysis: analysis)
        summary.source = ReportSource(file: DisplayText.escaped(file), format: loaded.format.rawValue,
                                      warnings: loaded.warnings.map { DisplayText.escaped($0.message) })

        if json {
            try AnalysisCommandSupport.printJSON(summary)
        } else {
            let title = "lanes summary  \(DisplayText.escaped(file))"
            print(summary.lines(title: title).joined(separator: "\n"))
        }

        let failing = failRules.filter { rule in summary.findingCounts.contains { $0.rule == rule } }
        if !failing.isEmpty {
            let counts = failing.map { rule in
                "\(summary.findingCounts.first { $0.rule == rule }?.count ?? 0) \(rule.rawValue)"
            }
            AnalysisCommandSupport.printError("lanes: \(DisplayText.escaped(file)): --fail-on: found \(counts.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }

    /// The rules named in a `--fail-on` list; an unknown name is a usage error.
    static func parseRules(_ list: String?) throws -> [FindingRule] {
        guard let list else { return [] }
        var rules: [FindingRule] = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            if name == "never-yielded" {
                throw ValidationError("never-yielded is now part of blocking-call (a job that held an executor thread); use --fail-on blocking-call.")
            }
            guard let rule = FindingRule(rawValue: name) else {
                throw ValidationError("Unknown rule '\(DisplayText.escaped(name))' in --fail-on; the rules are \(FindingRule.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            rules.append(rule)
        }
        if rules.isEmpty { throw ValidationError("--fail-on needs at least one rule name.") }
        return rules
    }
}


/// What `lanes summary` and `lanes diff` share: loading with the CLI's error contract, JSON
/// output and units.
enum AnalysisCommandSupport {
    /// Loads `path`; on failure prints the one-line reason to stderr and exits with status 3.
    /// Warnings about recovered damage go to stderr, one line each.
    static func loadTrace(path: String) throws -> TraceLoadResult {
        try finishLoading(Result { try TraceLoader.load(path: path) }, path: path)
    }

    /// Loads two traces at once (`lanes diff`), then reports errors and warnings of A before B's.
    static func loadTraces(pathA: String, pathB: String) throws -> (a: TraceLoadResult, b: TraceLoadResult) {
        let (a, b) = TraceLoader.load(pathA: pathA, pathB: pathB)
        let loadedA = try finishLoading(a, path: pathA)
        return (loadedA, try finishLoading(b, path: pathB))
    }

    /// Reports a load's error (exit code 3) or warnings, and symbolicates the trace.
    private static func finishLoading(_ loaded: Result<TraceLoadResult, any Error>, path: String) throws -> TraceLoadResult {
        var result: TraceLoadResult
        do {
            result = try loaded.get()
        } catch let error as TraceFileError {
            printError(DisplayText.escaped(error.description))
            throw ExitCode(3)
        }
        for warning in result.warnings {
            printError("lanes: \(DisplayText.escaped(path)): \(DisplayText.escaped(warning.message))")
        }
        TraceSymbolication.symbolicateIfNeeded(&result.trace) { printError("lanes: \(DisplayText.escaped($0))") }
        return result
    }

    /// Writes `line` and a newline to standard error.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints a report as JSON with sorted keys, so the output is stable from run to run.
    static func printJSON(_ report: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// A validated millisecond option as nanoseconds.
    static func nanoseconds(milliseconds: Double) -> Int64 { Int64((milliseconds * 1e6).rounded()) }
}
