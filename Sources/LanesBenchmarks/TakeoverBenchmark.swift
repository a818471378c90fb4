import Dispatch
import Foundation
import Lanes

/// Job capture's per-job cost: the same async workload timed on the runtime's default executor
/// and on Lanes' global executor (recording every job), each in a fresh process because a
/// takeover lasts for the process. Runs alternate (default, Lanes, default, …) so that a change
/// in the machine's load hits both; the ratio of the medians is the figure.
///
/// `LanesBenchmarks takeover [YIELDS] [PAIRS]`: YIELDS `Task.yield()`s in one task (100,000), and
/// the same spread over 8 tasks; PAIRS runs of each executor (7).
enum TakeoverBenchmark {
    static func run(_ arguments: [String]) async throws {
        if arguments.first == "child" {
            try await child(Array(arguments.dropFirst()))
            return
        }
        let yields = arguments.count > 0 ? Int(arguments[0]) ?? 100_000 : 100_000
        let pairs = arguments.count > 1 ? Int(arguments[1]) ?? 7 : 7
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-takeover-\(getpid()).lanes").path
        defer { try? FileManager.default.removeItem(atPath: trace) }
        for shape in ["one-task", "eight-tasks"] {
            var times: [String: [Double]] = ["default": [], "lanes": []]
            for _ in 0..<pairs {
                for mode in ["default", "lanes"] {
                    times[mode]!.append(try measure(executable, ["takeover", "child", mode, shape, String(yields), trace]))
                }
            }
            let base = middle(times["default"]!)
            let lanes = middle(times["lanes"]!)
            print("\(yields) Task.yield() \(shape == "one-task" ? "in one task" : "over 8 tasks"): default executor "
                + String(format: "%.1f ms, Lanes' executor recording every job %.1f ms: %.2f× (medians of %d; ranges %.1f–%.1f and %.1f–%.1f ms)",
                         base, lanes, lanes / base, pairs, times["default"]!.min()!, times["default"]!.max()!,
                         times["lanes"]!.min()!, times["lanes"]!.max()!))
        }
    }

    /// Runs one child and returns the milliseconds it reported.
    private static func measure(_ executable: String, _ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let value = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw BenchmarkFailure("takeover child \(arguments) failed with status \(process.terminationStatus)") }
        return value
    }

    /// In the child: optionally take over, then time the workload once (after a warm-up).
    private static func child(_ arguments: [String]) async throws {
        guard arguments.count == 4, let yields = Int(arguments[2]) else { throw BenchmarkFailure("bad child arguments \(arguments)") }
        let recording = arguments[0] == "lanes" ? try Lanes.record(to: arguments[3]) : nil
        let tasks = arguments[1] == "one-task" ? 1 : 8
        await workload(yields: yields / 10, tasks: tasks)
        let start = DispatchTime.now().uptimeNanoseconds
        await workload(yields: yields, tasks: tasks)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        await recording?.finish()
        print(elapsed)
    }

    private static func workload(yields: Int, tasks: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { for _ in 0..<(yields / tasks) { await Task.yield() } }
            }
        }
    }

    private static func middle(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
