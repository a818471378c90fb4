import Foundation
import Lanes

#if canImport(Glibc)
import Glibc
#endif

/// `LanesBenchmarks flight [SPANS] [RUNS]`: what the flight recorder costs.
///
/// - An async span recorded into a flight recorder against one recorded into a normal recording
///   (to /dev/null), alternating in one process, median of RUNS runs of SPANS spans each.
/// - A dump of a full 64 MiB window: how long `dump(to:)` takes, and the longest a thread that
///   keeps recording spans meanwhile waited for one span (the pause the dump caused it).
enum FlightBenchmark {
    static func run(arguments: [String]) async throws {
        let spans = arguments.first.flatMap(Int.init) ?? 1_000_000
        let runs = arguments.dropFirst().first.flatMap(Int.init) ?? 7
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-flight-benchmark-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        print("flight benchmark: \(spans) spans per run, \(runs) runs alternating, release build")

        var normal: [Double] = []
        var flight: [Double] = []
        for run in 0..<runs {
            let dumpPath = folder.appendingPathComponent("span-cost-\(run).lanes").path
            let plain = try Lanes.record(to: "/dev/null")
            normal.append(await CaptureBenchmark.asyncSpans(spans))
            await plain.finish()
            let recorder = try Lanes.flightRecorder(to: dumpPath, lastSeconds: 30, dumpSignal: nil)
            flight.append(await CaptureBenchmark.asyncSpans(spans))
            await recorder.finish()
        }
        let normalMedian = CaptureBenchmark.middle(normal)
        let flightMedian = CaptureBenchmark.middle(flight)
        print(CaptureBenchmark.line("async span, normal recording (to /dev/null)", normalMedian))
        print(CaptureBenchmark.line("async span, flight recorder (30 s window, 64 MiB)", flightMedian)
            + String(format: "  (%.3f× the normal recording; runs %@)", flightMedian / normalMedian,
                     zip(flight, normal).map { String(format: "%.2f", $0 / $1) }.joined(separator: " ")))

        try await dumpOfFullWindow(folder: folder, runs: max(3, runs / 2))
    }

    /// Fills a 64 MiB window, then dumps it while another thread records spans, several times.
    static func dumpOfFullWindow(folder: URL, runs: Int) async throws {
        let windowBytes = LanesRecording.defaultFlightMemoryLimit
        let recording = try Lanes.flightRecorder(
            to: folder.appendingPathComponent("window.lanes").path, lastSeconds: 3600, memoryLimit: windowBytes,
            dumpSignal: nil)
        // About 12 bytes a span in a chunk: fill well past the window's size so it is full.
        await Lanes.span("fill") {
            for _ in 0..<(windowBytes / 10) { await Lanes.span("filler") {} }
        }
        await recording.flush()
        var dumpTimes: [Double] = []
        var quietDumpTimes: [Double] = []
        var pauses: [Double] = []
        var baselinePauses: [Double] = []
        var sizes: [Int] = []
        for run in 0..<runs {
            // The same recording thread over the same time without a dump: how long the
            // machine's scheduler alone makes a span wait, to compare the dump's pauses with.
            let baselineThread = SpanRecordingThread()
            try await Task.sleep(for: .milliseconds(100 + Int(dumpTimes.last ?? 500)))
            baselinePauses.append(baselineThread.stop())
            // A dump with nothing else recording: its own cost.
            let quietPath = folder.appendingPathComponent("quiet-\(run).lanes").path
            let quietStart = DispatchTime.now().uptimeNanoseconds
            _ = try await recording.dump(to: quietPath)
            quietDumpTimes.append(Double(DispatchTime.now().uptimeNanoseconds - quietStart) / 1e6)
            try? FileManager.default.removeItem(atPath: quietPath)
            let recorderThread = SpanRecordingThread()
            try await Task.sleep(for: .milliseconds(50))
            let path = folder.appendingPathComponent("dump-\(run).lanes").path
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try await recording.dump(to: path)
            dumpTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            try await Task.sleep(for: .milliseconds(50))
            pauses.append(recorderThread.stop())
            sizes.append((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            try? FileManager.default.removeItem(atPath: path)
        }
        await recording.finish()
        print(String(format: "dump of a full %d MiB window: %.1f ms median (runs %@), files of %.1f MiB",
                     windowBytes >> 20, CaptureBenchmark.middle(dumpTimes),
                     dumpTimes.map { String(format: "%.1f", $0) }.joined(separator: " "),
                     Double(CaptureBenchmark.middle(sizes.map(Double.init))) / 1_048_576))
        print(String(format: "  the same dump with no thread recording meanwhile: %.1f ms median (runs %@)",
                     CaptureBenchmark.middle(quietDumpTimes), quietDumpTimes.map { String(format: "%.1f", $0) }.joined(separator: " ")))
        print(String(format: "  longest a recording thread waited for one span during a dump: %.3f ms (runs %@)",
                     pauses.max() ?? 0, pauses.map { String(format: "%.3f", $0) }.joined(separator: " ")))
        print(String(format: "  the same thread over as long without a dump (the scheduler alone): %.3f ms (runs %@)",
                     baselinePauses.max() ?? 0, baselinePauses.map { String(format: "%.3f", $0) }.joined(separator: " ")))
    }
}

/// A thread that records sync spans back to back until stopped and keeps the longest time one
/// span took: what a dump running meanwhile made it wait.
final class SpanRecordingThread: @unchecked Sendable {
    // @unchecked: `running` and `longest` are handed over through `done`'s semaphore.
    private var running = true
    private var longest: UInt64 = 0
    private let done = DispatchSemaphore(value: 0)

    init() {
        Thread { [self] in
            while running {
                let start = DispatchTime.now().uptimeNanoseconds
                Lanes.syncSpan("during dump") {}
                longest = max(longest, DispatchTime.now().uptimeNanoseconds - start)
            }
            done.signal()
        }.start()
    }

    /// Stops the thread and returns the longest span, in milliseconds.
    func stop() -> Double {
        running = false
        done.wait()
        return Double(longest) / 1e6
    }
}

/// `LanesBenchmarks labels [COUNT]`: resident memory while a handler is called COUNT times
/// (10 million by default), each call with a new label and a new attribute value, as a server
/// labelling requests by id would; against the memory cap. Recorded to /dev/null.
enum LabelsBenchmark {
    static func run(arguments: [String]) async throws {
        let count = arguments.first.flatMap(Int.init) ?? 10_000_000
        let handler = Lanes.handler("request", label: { (id: Int) in "request-\(id)" }) { (id: Int) async in
            Lanes.attribute("request.id", "id-\(id)-\(id &* 2_654_435_761)")
        }
        let residentBefore = CaptureBenchmark.residentBytes()
        let recording = try Lanes.record(to: "/dev/null")
        let start = DispatchTime.now().uptimeNanoseconds
        var peak = residentBefore
        for id in 0..<count {
            await handler(id)
            if id % 100_000 == 0 { peak = max(peak, CaptureBenchmark.residentBytes()) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        peak = max(peak, CaptureBenchmark.residentBytes())
        let dropped = recording.droppedEvents
        await recording.finish()
        let cap = LanesRecording.defaultMemoryLimit
        print(String(format: "%d handler calls, each with a new label and a new attribute value: %.1f s (%.0f ns a call), %llu events dropped",
                     count, seconds, seconds * 1e9 / Double(count), dropped))
        print(String(format: "  resident memory grew %.1f MiB at its peak, against the %.0f MiB cap (string table included)",
                     Double(max(0, peak - residentBefore)) / 1_048_576, Double(cap) / 1_048_576))
    }
}
