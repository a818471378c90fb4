import Foundation
@_spi(Benchmarks) import Lanes
import LanesFormat
import LanesModel

#if canImport(Glibc)
import Glibc
#endif

/// `LanesBenchmarks watchdog [SECONDS] [PAIRS]`: what the watchdog costs.
///
/// 1. When nothing blocks: a busy async workload (32 tasks, each computing about 50 µs then
///    sleeping 1 ms with `Task.sleep`, so the executor runs tens of thousands of short jobs a
///    second) recorded with job capture for SECONDS, in child processes alternating
///    `LANES_WATCHDOG=0` and `=1`, PAIRS pairs. Reported: the process's CPU (cores) with and
///    without, jobs per second, and the watchdog thread's own CPU (% of a core), read from its
///    schedstat; medians.
/// 2. Per sample: a child whose executor (8 threads wide) runs eight jobs that sleep for 3 s,
///    then two that compute for 3 s; the watchdog thread's CPU in each phase, less what it
///    spends in an idle second, divided by the samples it recorded (read back from the trace).
enum WatchdogBenchmark {
    static func run(arguments: [String]) async throws {
        let seconds = arguments.first.flatMap(Double.init) ?? 3
        let pairs = arguments.dropFirst().first.flatMap(Int.init) ?? 5
        var loadAverage = [Double](repeating: 0, count: 3)
        getloadavg(&loadAverage, 3)
        print(String(format: "watchdog benchmark: %.0f s of busy async work per child, %d pairs, load average %.2f", seconds, pairs, loadAverage[0]))
        var without: [[String: Double]] = []
        var with: [[String: Double]] = []
        for pair in 0..<pairs {
            // Alternate which goes first, so drift in the machine's load falls on both.
            for on in pair % 2 == 0 ? [false, true] : [true, false] {
                let result = try child(["busy", String(seconds)], watchdog: on)
                if on { with.append(result) } else { without.append(result) }
            }
        }
        func median(_ runs: [[String: Double]], _ key: String) -> Double { AnalysisBenchmark.median(runs.map { $0[key] ?? 0 }) }
        let cpuWithout = median(without, "cpu") / median(without, "wall")
        let cpuWith = median(with, "cpu") / median(with, "wall")
        print(String(format: "  without watchdog: %.3f cores, %.0f jobs/s", cpuWithout, median(without, "jobs") / (median(without, "wall") / 1e9)))
        print(String(format: "  with watchdog:    %.3f cores, %.0f jobs/s (difference %+.3f cores; ranges %.3f–%.3f and %.3f–%.3f)",
                     cpuWith, median(with, "jobs") / (median(with, "wall") / 1e9), cpuWith - cpuWithout,
                     (without.map { $0["cpu"]! / $0["wall"]! }.min() ?? 0), (without.map { $0["cpu"]! / $0["wall"]! }.max() ?? 0),
                     (with.map { $0["cpu"]! / $0["wall"]! }.min() ?? 0), (with.map { $0["cpu"]! / $0["wall"]! }.max() ?? 0)))
        let own = with.map { 100 * $0["watchdog"]! / $0["wall"]! }
        print(String(format: "  the watchdog thread itself: %.3f%% of a core (median; range %.3f–%.3f%%), %.0f samples per run (median)",
                     AnalysisBenchmark.median(own), own.min() ?? 0, own.max() ?? 0, median(with, "samples")))

        let perSample = try child(["samples"], watchdog: true, environment: ["LANES_EXECUTOR_THREADS": "8"])
        print(String(format: "  idle (no job running): %.3f%% of a core", perSample["idle"]! / 1e7))
        print(String(format: "  per sample, thread blocked (read from /proc): %.1f µs of the watchdog's CPU (%.0f samples of 8 threads in 3 s; the phase cost %.1f ms above idle)",
                     perSample["blockedCost"]! / 1000, perSample["blockedSamples"]!, perSample["blockedPhase"]! / 1e6))
        print(String(format: "  per sample, thread runnable: %.1f µs of the watchdog's CPU (%.0f samples of 2 threads in 3 s; %.0f waiting for a CPU, not signalled; the phase cost %.1f ms above idle)",
                     perSample["runningCost"]! / 1000, perSample["runningSamples"]!,
                     perSample["waitingForProcessor"]!, perSample["runningPhase"]! / 1e6))
        print(String(format: "  per sample, thread on a CPU, signalled: %.1f µs of the watchdog's CPU (%.0f such samples)",
                     perSample["signalledCost"]! / 1000, perSample["signalled"]!))
    }

    /// Runs `LanesBenchmarks watchdog-child ARGUMENTS` and parses its `key=value` output.
    static func child(_ arguments: [String], watchdog: Bool, environment extra: [String: String] = [:]) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["watchdog-child"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LANES_WATCHDOG"] = watchdog ? "1" : "0"
        environment.removeValue(forKey: "LANES_TRACE")
        environment.merge(extra) { $1 }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var values: [String: Double] = [:]
        for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = field.split(separator: "=")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}

/// The child side: `LanesBenchmarks watchdog-child busy SECONDS | samples`.
enum WatchdogBenchmarkChild {
    static func run(arguments: [String]) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-watchdog-bench-\(getpid()).lanes").path
        defer { unlink(path) }
        let recording = try Lanes.record(to: path)
        if arguments.first == "samples" {
            try await samples(recording: recording, path: path)
        } else {
            try await busy(seconds: arguments.dropFirst().first.flatMap(Double.init) ?? 3, recording: recording, path: path)
        }
    }

    static func busy(seconds: Double, recording: LanesRecording, path: String) async throws {
        let wallStart = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPU()
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let jobs = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        _ = compute(microseconds: 50)
                        try? await Task.sleep(for: .milliseconds(1))
                        count += 2
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        let cpu = processCPU() - cpuStart
        let wall = Int64(DispatchTime.now().uptimeNanoseconds - wallStart)
        let watchdog = watchdogCPU()
        await recording.finish()
        let samples = (try? TraceLoader.load(path: path).trace.sampling.samples.count) ?? -1
        print("cpu=\(cpu) wall=\(wall) jobs=\(jobs) watchdog=\(watchdog) samples=\(samples)")
    }

    static func samples(recording: LanesRecording, path: String) async throws {
        // Start the watchdog (with the executor's first thread), then measure an idle second, so
        // that what its wake-ups cost can be taken out of each phase.
        await Task.detached { _ = compute(microseconds: 10) }.value
        try await Task.sleep(for: .milliseconds(100))
        var start = watchdogCPU()
        let idleStart = DispatchTime.now().uptimeNanoseconds
        try await Task.sleep(for: .seconds(1))
        let idlePerSecond = Double(watchdogCPU() - start) / (Double(DispatchTime.now().uptimeNanoseconds - idleStart) / 1e9)
        start = watchdogCPU()
        var phaseStart = DispatchTime.now().uptimeNanoseconds
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { sleepBlocking(seconds: 3) } }
        }
        let blockedCPU = Double(watchdogCPU() - start) - idlePerSecond * Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e9
        start = watchdogCPU()
        phaseStart = DispatchTime.now().uptimeNanoseconds
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 { group.addTask { _ = compute(microseconds: 3_000_000) } }
        }
        let runningCPU = Double(watchdogCPU() - start) - idlePerSecond * Double(DispatchTime.now().uptimeNanoseconds - phaseStart) / 1e9
        await recording.finish()
        let cost = WatchdogCost.current
        let trace = try TraceLoader.load(path: path).trace
        let running = trace.sampling.samples.filter { !$0.flags.contains(.baseline) && $0.stateLetter == "R" }
        print("idle=\(idlePerSecond)",
              "blockedPhase=\(blockedCPU) runningPhase=\(runningCPU)",
              "blockedCost=\(Double(cost.blockedNanoseconds) / Double(max(1, cost.blockedSamples))) blockedSamples=\(cost.blockedSamples)",
              "runningCost=\(Double(cost.runningNanoseconds) / Double(max(1, cost.runningSamples))) runningSamples=\(cost.runningSamples)",
              "signalled=\(cost.signalledSamples) signalledCost=\(Double(cost.signalledNanoseconds) / Double(max(1, cost.signalledSamples))) runningStacks=\(running.filter { $0.stack >= 0 }.count)",
              "waitingForProcessor=\(running.filter { $0.flags.contains(.waitingForProcessor) }.count)")
    }

    static func sleepBlocking(seconds: Double) {
        Thread.sleep(forTimeInterval: seconds)
    }

    @inline(never)
    static func compute(microseconds: Int) -> UInt64 {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(microseconds) * 1000
        var value: UInt64 = 1
        while DispatchTime.now().uptimeNanoseconds < end {
            for step in 0..<100 { value = value &* 6364136223846793005 &+ UInt64(step) }
        }
        return value
    }

    /// This process's CPU time (ns), all threads.
    static func processCPU() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The watchdog thread's CPU time (ns) from its schedstat, 0 when it is not running.
    static func watchdogCPU() -> Int64 {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return 0 }
        for thread in threads {
            guard let name = try? String(contentsOfFile: "/proc/self/task/\(thread)/comm", encoding: .utf8),
                  name.hasPrefix("lanes-watchdog"),
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(thread)/schedstat", encoding: .utf8),
                  let cpu = stat.split(separator: " ").first.flatMap({ Int64($0) })
            else { continue }
            return cpu
        }
        return 0
    }
}
