import Foundation
import LanesFormat
import Synchronization

/// `LanesBenchmarks follow [SPANS] [LANES-BINARY]`: `lanes view --follow` on a trace of SPANS
/// spans whose file changes every 100 ms (as a recording's does), driven in tmux: how long a key
/// takes to show on the screen, and how much of a core the viewer uses meanwhile. The binary
/// defaults to the `lanes` built next to this one (`swift build -c release --product lanes`).
enum FollowBenchmark {
    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let binary = arguments.dropFirst().first ?? executableDirectory + "/lanes"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("follow benchmark: no lanes binary at \(binary); build it first: swift build -c release --product lanes")
            return
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-follow-benchmark-\(getpid()).lanes").path
        defer { unlink(path) }
        try ViewerBenchmark.write(LanesTraceWriter.encode(SyntheticTraces.nestedAsync(spanCount: spanCount)), to: path)
        print("follow benchmark: lanes view --follow on \(spanCount) spans, the file touched every 100 ms, in tmux at 120×40")

        let session = "lanes-follow-benchmark-\(getpid())"
        _ = tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "40", "exec \(binary) view --follow \(path)"])
        defer { _ = tmux(["kill-session", "-t", session]) }
        guard let processID = Int32(tmux(["list-panes", "-t", session, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)),
              waitForScreen(session, timeout: 120, until: { $0.contains("? help") }) != nil
        else {
            print("follow benchmark: the viewer did not show its first frame")
            return
        }

        let stop = Atomic<Bool>(false)
        let toucher = Thread {
            while !stop.load(ordering: .relaxed) {
                utime(path, nil)
                usleep(100_000)
            }
        }
        toucher.start()
        defer { stop.store(true, ordering: .relaxed) }
        usleep(1_000_000)

        let cpuBefore = cpuSeconds(of: processID)
        let wallBefore = monotonicSeconds()
        var latencies: [Double] = []
        for key in 0..<24 {
            let before = screen(session)
            let sent = monotonicSeconds()
            _ = tmux(["send-keys", "-t", session, "?"])
            guard waitForScreen(session, timeout: 5, until: { $0 != before }) != nil else { continue }
            latencies.append((monotonicSeconds() - sent) * 1000)
            // Pauses longer than the viewer's 250 ms idle poll, so re-reads happen between keys.
            usleep(UInt32(350_000 + 110_000 * (key % 4)))
        }
        let cpuShare = (cpuSeconds(of: processID) - cpuBefore) / (monotonicSeconds() - wallBefore)
        latencies.sort()
        guard !latencies.isEmpty else {
            print("follow benchmark: no key showed on the screen")
            return
        }
        let median = latencies[latencies.count / 2]
        print(String(format: "  key to screen: median %.0f ms, slowest %.0f ms over %d keys", median, latencies.last!, latencies.count))
        print(String(format: "  the viewer used %.0f%% of a core", cpuShare * 100))
    }

    /// Runs tmux and returns what it printed. The session is started without a pipe: the tmux
    /// server it forks would hold the pipe open and the read would never end.
    static func tmux(_ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux"] + arguments
        process.standardError = FileHandle.nullDevice
        let output = arguments.first == "new-session" ? nil : Pipe()
        process.standardOutput = output ?? FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = output?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func screen(_ session: String) -> String {
        tmux(["capture-pane", "-p", "-t", session])
    }

    static func waitForScreen(_ session: String, timeout: Double, until condition: (String) -> Bool) -> String? {
        let deadline = monotonicSeconds() + timeout
        while monotonicSeconds() < deadline {
            let text = screen(session)
            if condition(text) { return text }
            usleep(2_000)
        }
        return nil
    }

    /// User plus system CPU time of a process so far, from /proc.
    static func cpuSeconds(of processID: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8),
              let fields = stat.split(separator: ")").last?.split(separator: " "), fields.count > 12,
              let user = Double(fields[11]), let system = Double(fields[12])
        else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
