import Foundation
import LanesFormat
import LanesModel
import LanesSynthetic
import Testing
@testable import LanesAnalysis

/// The analysis builds its concurrency series on a second thread for large traces, `lanes diff`
/// analyses (and loads) its two runs at once: the results must be exactly those of doing it all
/// on one thread, one step after the other.
@Suite("Parallel analysis")
struct ParallelAnalysisTests {
    /// A server trace with task states and blocking work, big enough to have many findings.
    static func serverTrace(seed: UInt64, slowdown: Double = 1) -> Trace {
        let ms: Int64 = 1_000_000
        return ServerTrace.build(ServerLoad(routes: [
            .init(name: "GET /users", median: 4 * ms, sigma: 0.4, share: 5),
            .init(name: "POST /orders", median: 20 * ms, sigma: 0.5, share: 2),
            .init(name: "GET /search", median: Int64(60 * slowdown) * ms, sigma: 0.6, share: 1),
        ], requests: 6_000, duration: 6_000_000_000, seed: seed))
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func expectSame(_ serial: TraceAnalysis, _ parallel: TraceAnalysis) throws {
        #expect(parallel.concurrency.times == serial.concurrency.times)
        #expect(parallel.concurrency.values == serial.concurrency.values)
        #expect(parallel.executorThreadsHeld.times == serial.executorThreadsHeld.times)
        #expect(parallel.executorThreadsHeld.values == serial.executorThreadsHeld.values)
        #expect(parallel.maxOverlap == serial.maxOverlap)
        #expect(parallel.overlappedNanoseconds == serial.overlappedNanoseconds)
        #expect(parallel.queuedNanoseconds == serial.queuedNanoseconds)
        #expect(parallel.blockedNanoseconds == serial.blockedNanoseconds)
        #expect(parallel.executorThreadCount == serial.executorThreadCount)
        #expect(parallel.blockingOccurrences.map(\.span) == serial.blockingOccurrences.map(\.span))
        #expect(parallel.findings.map(\.span) == serial.findings.map(\.span))
        #expect(parallel.findings.map(\.rule) == serial.findings.map(\.rule))
        #expect(try json(TraceSummary(analysis: parallel)) == json(TraceSummary(analysis: serial)))
    }

    @Test("on two threads or on one, the analysis of a server trace is the same")
    func serverTraceSameEitherWay() throws {
        let trace = Self.serverTrace(seed: 5)
        let serial = TraceAnalysis(trace: trace, options: .init(), evidence: nil, parallelFrom: .max)
        let parallel = TraceAnalysis(trace: trace, options: .init(), evidence: nil, parallelFrom: 0)
        #expect(serial.concurrency.times.count > 1_000)
        #expect(serial.queuedNanoseconds > 0)
        try Self.expectSame(serial, parallel)
    }

    @Test("on two threads or on one, the analysis of the seed's recordings is the same")
    func seedSameEitherWay() async throws {
        let runs = try await SeedRecordings.runs()
        for trace in [runs.naive, runs.improved] {
            let serial = TraceAnalysis(trace: trace, options: .init(), evidence: nil, parallelFrom: .max)
            let parallel = TraceAnalysis(trace: trace, options: .init(), evidence: nil, parallelFrom: 0)
            #expect(!serial.findings.isEmpty)
            try Self.expectSame(serial, parallel)
        }
    }

    @Test("the queued series built on first use gives the waits an eagerly built one gives")
    func lazyQueuedSeries() async throws {
        let runs = try await SeedRecordings.runs()
        let trace = runs.naive
        let analysis = TraceAnalysis(trace: trace)
        let occurrences = analysis.blockingOccurrences
        #expect(occurrences.contains { $0.waitedNanoseconds > 0 })
        let eager = TraceAnalysis.queuedSeries(trace)
        #expect(analysis.queuedNanoseconds == eager.total)
        #expect(analysis.tasksQueued.times == eager.series.times)
        let integral = StepIntegral(eager.series)
        for occurrence in occurrences {
            #expect(occurrence.waitedNanoseconds == integral.area(from: occurrence.begin, to: occurrence.end))
        }
        // A healthy server trace (nothing blocks, no job waits for the stall threshold) never builds it.
        let server = Self.serverTrace(seed: 9)
        let queued = QueuedJobs(trace: server)
        _ = BlockingOccurrenceFinder(trace: server, structure: SpanStructure(trace: server), threshold: AnalysisOptions().blockingCallThreshold,
                                     queued: queued, evidence: nil).find()
        #expect(!queued.isBuilt)
        #expect(QueuedJobs.totalWait(server) == TraceAnalysis.queuedSeries(server).total)
        #expect(queued.series.times == TraceAnalysis.queuedSeries(server).series.times)
        #expect(queued.isBuilt)
    }

    @Test("waits over many intervals, computed from the jobs directly, equal the queued series' areas")
    func directWaits() {
        let trace = Self.serverTrace(seed: 11)
        let integral = StepIntegral(TraceAnalysis.queuedSeries(trace).series)
        var random = SystemRandomNumberGenerator()
        let span = trace.endTime - trace.startTime
        var intervals: [(begin: Int64, end: Int64)] = []
        for _ in 0..<500 {
            let begin = trace.startTime + Int64.random(in: -span / 10...span, using: &random)
            intervals.append((begin, begin + Int64.random(in: -1_000_000...(span / 5), using: &random)))
        }
        intervals.append((trace.startTime, trace.endTime))
        intervals.append((trace.slices[0].enqueued, trace.slices[0].started))
        intervals.append((trace.slices[0].started, trace.slices[0].started))
        let queued = QueuedJobs(trace: trace)
        let waits = queued.waits(during: intervals)
        #expect(!queued.isBuilt)
        #expect(waits == intervals.map { integral.area(from: $0.begin, to: $0.end) })
        #expect(waits.contains { $0 > 0 })
    }

    @Test("a diff whose two analyses ran at once reports what one of analyses made in turn reports")
    func diffSameEitherWay() throws {
        let a = Self.serverTrace(seed: 1)
        let b = Self.serverTrace(seed: 2, slowdown: 2)
        let serial = TraceDiff(
            a: TraceAnalysis(trace: a, options: .init(), evidence: nil, parallelFrom: .max),
            b: TraceAnalysis(trace: b, options: .init(), evidence: nil, parallelFrom: .max))
        let concurrent = TraceDiff(a: a, b: b)
        let serialReport = DiffReport(serial)
        let concurrentReport = DiffReport(concurrent)
        #expect(try Self.json(concurrentReport) == Self.json(serialReport))
        #expect(concurrentReport.lines() == serialReport.lines())
        #expect(concurrentReport.verdict.headline == serialReport.verdict.headline)
    }

    @Test("two files loaded at once read as each does alone, and each keeps its own error")
    func pairLoad() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-pair-load-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pathA = folder.appendingPathComponent("a.lanes").path
        let pathB = folder.appendingPathComponent("b.lanes").path
        try Data(LanesTraceWriter.encode(Self.serverTrace(seed: 1))).write(to: URL(fileURLWithPath: pathA))
        try Data(LanesTraceWriter.encode(Self.serverTrace(seed: 2))).write(to: URL(fileURLWithPath: pathB))

        let (a, b) = TraceLoader.load(pathA: pathA, pathB: pathB)
        let aloneA = try TraceLoader.load(path: pathA).trace
        let aloneB = try TraceLoader.load(path: pathB).trace
        #expect(LanesTraceWriter.encode(try a.get().trace) == LanesTraceWriter.encode(aloneA))
        #expect(LanesTraceWriter.encode(try b.get().trace) == LanesTraceWriter.encode(aloneB))

        let missing = folder.appendingPathComponent("missing.lanes").path
        let (present, absent) = TraceLoader.load(pathA: pathA, pathB: missing)
        #expect(try present.get().trace.spanCount == aloneA.spanCount)
        guard case .failure(let error) = absent else {
            Issue.record("a missing file loaded")
            return
        }
        #expect(String(describing: error).contains("missing.lanes"))
    }
}
