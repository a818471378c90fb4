import ArgumentParser
import Foundation
import LanesAnalysis
import LanesFormat

/// `lanes diff A B`: did the change make it better? Wall, blocked, queued and overlapped time,
/// spans matched by path, findings resolved and new.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs: wall, blocked and queued time, matched spans, findings resolved and new.",
        discussion: """
            Spans are matched by path (handler › span › child, names normalised), the n-th \
            occurrence in A with the n-th in B.
            Exit codes: 0 success, 1 B is slower than --fail-if-slower allows, 2 usage error, \
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
        "Exit with status 1 when B's wall time (or --span's) is more than PCT percent above A's.",
        valueName: "PCT"))
    var failIfSlower: Double?

    @Option(help: ArgumentHelp(
        "With --fail-if-slower: compare the total time of the spans with this name or path instead of the wall time.",
        valueName: "NAME"))
    var span: String?

    func validate() throws {
        if let failIfSlower, !(failIfSlower.isFinite && failIfSlower >= 0) {
            throw ValidationError("--fail-if-slower takes a percentage ≥ 0, not \(failIfSlower).")
        }
        if span != nil, failIfSlower == nil {
            throw ValidationError("--span only applies with --fail-if-slower PCT.")
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
        let loadedA = try AnalysisCommandSupport.loadTrace(path: fileA)
        let loadedB = try AnalysisCommandSupport.loadTrace(path: fileB)
        let diff = TraceDiff(a: loadedA.trace, b: loadedB.trace)

        var gate: (name: String, change: TraceDiff.Change)?
        if failIfSlower != nil {
            if let span {
                guard let change = diff.totalDuration(ofSpansNamed: span) else {
                    throw ValidationError("No span named '\(DisplayText.escaped(span))' in either run.")
                }
                gate = (DisplayText.escaped(span), change)
            } else {
                gate = ("wall", diff.wall)
            }
        }

        if json {
            var object = Self.jsonObject(diff)
            object["a"] = ["file": fileA, "format": loadedA.format.rawValue] as [String: Any]
            object["b"] = ["file": fileB, "format": loadedB.format.rawValue] as [String: Any]
            try AnalysisCommandSupport.printJSON(object)
        } else {
            let lines = diff.lines(titleA: DisplayText.escaped(fileA), titleB: DisplayText.escaped(fileB))
            print(lines.joined(separator: "\n"))
        }

        if let failIfSlower, let gate, Self.isSlower(gate.change, percent: failIfSlower) {
            let change = DisplayText.percentChange(from: gate.change.a, to: gate.change.b)
            AnalysisCommandSupport.printError(
                "lanes: \(DisplayText.escaped(fileB)): \(gate.name) \(DisplayText.duration(gate.change.a)) → \(DisplayText.duration(gate.change.b)) (\(change)), more than \(Self.percentText(failIfSlower))% slower than \(DisplayText.escaped(fileA))")
            throw ExitCode(1)
        }
    }

    /// `5` for 5.0, `2.5` for 2.5.
    static func percentText(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Whether B exceeds A by more than `percent` percent.
    static func isSlower(_ change: TraceDiff.Change, percent: Double) -> Bool {
        Double(change.b) > Double(change.a) * (1 + percent / 100)
    }

    static func jsonObject(_ diff: TraceDiff) -> [String: Any] {
        let seconds = AnalysisCommandSupport.seconds
        func change(_ value: TraceDiff.Change) -> [String: Any] {
            ["a": seconds(value.a), "b": seconds(value.b), "delta": seconds(value.delta)]
        }
        func statistics(_ value: TraceDiff.DurationStatistics) -> [String: Any] {
            ["count": value.count, "total_seconds": seconds(value.total),
             "p50_seconds": seconds(value.median), "max_seconds": seconds(value.maximum)]
        }
        func finding(_ value: TraceDiff.FindingChange) -> [String: Any] {
            var object: [String: Any] = [
                "rule": value.rule.rawValue,
                "span": value.path >= 0 ? diff.lastName(ofPath: value.path) as Any : NSNull(),
                "path": value.path >= 0 ? diff.path(value.path) as Any : NSNull(),
            ]
            if value.findingA >= 0 {
                object["seconds_a"] = seconds(value.costA)
                object["message_a"] = diff.analysisA.findings[value.findingA].message
            }
            if value.findingB >= 0 {
                object["seconds_b"] = seconds(value.costB)
                object["message_b"] = diff.analysisB.findings[value.findingB].message
            }
            return object
        }
        func unmatched(_ value: TraceDiff.UnmatchedPath) -> [String: Any] {
            ["path": diff.path(value.path), "count": value.count, "total_seconds": seconds(value.total)]
        }
        let wall = diff.wall
        return [
            "wall_seconds": change(wall),
            "wall_change_percent": wall.a == 0 ? 0 : Double(wall.delta) / Double(wall.a) * 100,
            "blocked_seconds": change(diff.blocked),
            "queued_seconds": change(diff.queued),
            "overlapped_seconds": change(diff.overlapped),
            "max_overlap": ["a": diff.maxOverlap.a, "b": diff.maxOverlap.b, "delta": diff.maxOverlap.delta],
            "unchanged": diff.isUnchanged,
            "verdict": diff.verdict,
            "findings": [
                "resolved": diff.resolvedFindings.map(finding),
                "new": diff.newFindings.map(finding),
                "remaining": diff.remainingFindings.map(finding),
            ],
            "spans": diff.statistics.map { entry -> [String: Any] in
                [
                    "path": diff.path(entry.path),
                    "a": statistics(entry.a),
                    "b": statistics(entry.b),
                    "delta": [
                        "count": entry.b.count - entry.a.count,
                        "total_seconds": seconds(entry.b.total &- entry.a.total),
                        "p50_seconds": seconds(entry.b.median &- entry.a.median),
                        "max_seconds": seconds(entry.b.maximum &- entry.a.maximum),
                    ] as [String: Any],
                ]
            },
            "only_in_a": diff.onlyInA.map(unmatched),
            "only_in_b": diff.onlyInB.map(unmatched),
            "not_compared_rules": diff.incomparableRules.map(\.rawValue),
            "overlapping_in_b": diff.overlapGains.map {
                ["path": diff.path($0.path), "factor_a": $0.factorA, "factor_b": $0.factorB] as [String: Any]
            },
        ]
    }
}
