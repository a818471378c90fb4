import Foundation
import LanesAnalysis
import LanesFormat
import LanesModel
import LanesSynthetic
import LanesViewer

/// `LanesBenchmarks memory [SPANS] [LANES-BINARY]`: resident memory of the real `lanes view` on a
/// server-shaped trace (SPANS spans in SPANS / 2 request tasks, each a route span and one child,
/// with two executor jobs), once its first frame is on the screen in tmux at 200×60. Reports the
/// resident set then (VmRSS) and its peak while loading (VmHWM), per span. The binary defaults
/// to the `lanes` built next to this one (`swift build -c release --product lanes`).
enum ViewerMemoryBenchmark {
    static func run(arguments: [String]) async throws {
        let spanCount = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let binary = arguments.dropFirst().first ?? executableDirectory + "/lanes"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("memory benchmark: no lanes binary at \(binary); build it first: swift build -c release --product lanes")
            return
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-memory-benchmark-\(getpid()).lanes").path
        defer { unlink(path) }
        let trace = ServerTrace.build(serverLoad(requests: spanCount / 2))
        let bytes = LanesTraceWriter.encode(trace)
        try ViewerBenchmark.write(bytes, to: path)
        print("memory benchmark: lanes view on \(trace.spanCount) spans, \(trace.tasks.count) tasks, \(trace.slices.count) jobs (\(bytes.count / 1_000_000) MB file), in tmux at 200×60")

        // Where the memory goes, stage by stage, in this process: live heap bytes (mallinfo2).
        let stageStart = liveHeapBytes()
        var stages: [(String, Int)] = []
        let loaded = try TraceLoader.load(path: path).trace
        stages.append(("trace", liveHeapBytes() - stageStart))
        let analysis = TraceAnalysis(trace: loaded)
        stages.append(("analysis", liveHeapBytes() - stageStart - stages.reduce(0) { $0 + $1.1 }))
        let document = ViewerDocument(trace: loaded, analysis: analysis, title: "memory.lanes")
        stages.append(("viewer indexes", liveHeapBytes() - stageStart - stages.reduce(0) { $0 + $1.1 }))
        let state = ViewState(document: document, size: GridSize(width: 200, height: 60), theme: .utf8)
        _ = ViewRenderer.render(state, document, size: state.size)
        stages.append(("view state and rows", liveHeapBytes() - stageStart - stages.reduce(0) { $0 + $1.1 }))
        var tasks = state
        _ = tasks.update(.toggleRoutes, document: document)
        _ = ViewRenderer.render(tasks, document, size: tasks.size)
        stages.append(("by-task rows (r)", liveHeapBytes() - stageStart - stages.reduce(0) { $0 + $1.1 }))
        print("  resident memory of this process after malloc_trim, by stage (bytes/span):")
        for (name, bytes) in stages { print("    \(ViewerBenchmark.pad(name, 22)) \(String(format: "%6.1f", Double(bytes) / Double(loaded.spanCount)))") }
        print("    \(ViewerBenchmark.pad("total", 22)) \(String(format: "%6.1f", Double(stages.reduce(0) { $0 + $1.1 }) / Double(loaded.spanCount)))  (Trace.memoryFootprint: \(String(format: "%.1f", Double(loaded.memoryFootprint) / Double(loaded.spanCount))))")
        withExtendedLifetime((document, state, tasks)) {}

        // The real binary, in tmux, as a user runs it.
        let session = "lanes-memory-benchmark-\(getpid())"
        shell("tmux new-session -d -s \(session) -x 200 -y 60 'exec \(binary) view \(path)'")
        defer { shell("tmux kill-session -t \(session)") }
        guard let processID = Int32(shellOutput("tmux list-panes -t \(session) -F '#{pane_pid}'").trimmingCharacters(in: .whitespacesAndNewlines)) else {
            print("memory benchmark: tmux did not start the viewer")
            return
        }
        let deadline = Date().addingTimeInterval(300)
        while !shellOutput("tmux capture-pane -p -t \(session)").contains("? help") {
            guard Date() < deadline else {
                print("memory benchmark: the viewer did not show its first frame")
                return
            }
            usleep(20_000)
        }
        usleep(500_000)
        func kilobytes(_ field: String) -> Int {
            let status = (try? String(contentsOfFile: "/proc/\(processID)/status", encoding: .utf8)) ?? ""
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        let resident = kilobytes("VmRSS") * 1024
        let peak = kilobytes("VmHWM") * 1024
        let perSpan = { (value: Int) in String(format: "%.0f", Double(value) / Double(max(1, trace.spanCount))) }
        print("  lanes view, resident after the first frame (route view): \(resident / 1_048_576) MiB = \(perSpan(resident)) bytes/span (target ≤ 150)")
        // The by-task view lists every request's task: switch to it and measure again.
        shell("tmux send-keys -t \(session) r")
        let taskDeadline = Date().addingTimeInterval(120)
        while !shellOutput("tmux capture-pane -p -t \(session)").contains("task / span"), Date() < taskDeadline { usleep(20_000) }
        usleep(500_000)
        let residentTasks = kilobytes("VmRSS") * 1024
        print("  lanes view, resident in the by-task view (r):            \(residentTasks / 1_048_576) MiB = \(perSpan(residentTasks)) bytes/span (target ≤ 150)")
        print("  lanes view, peak while loading:                          \(peak / 1_048_576) MiB = \(perSpan(peak)) bytes/span")
    }

    /// Resident bytes of this process once the allocator has returned its free pages.
    static func liveHeapBytes() -> Int {
        FreedMemory.returnToSystem()
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Runs a shell command and waits for it.
    static func shell(_ command: String) {
        _ = system(command + " >/dev/null 2>&1")
    }

    /// Runs a shell command and returns what it printed.
    static func shellOutput(_ command: String) -> String {
        guard let pipe = popen(command, "r") else { return "" }
        defer { pclose(pipe) }
        var output = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), pipe) != nil {
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            output += String(decoding: bytes, as: UTF8.self)
        }
        return output
    }

    /// Three routes, as a load generator drives a small web service for 60 seconds.
    static func serverLoad(requests: Int, seed: UInt64 = 7) -> ServerLoad {
        ServerLoad(
            routes: [
                .init(name: "GET /users", median: 4_000_000, sigma: 0.4, share: 5),
                .init(name: "POST /orders", median: 20_000_000, sigma: 0.5, share: 2),
                .init(name: "GET /search", median: 60_000_000, sigma: 0.6, share: 1),
            ],
            requests: requests, duration: 60_000_000_000, seed: seed)
    }
}
