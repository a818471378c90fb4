import LanesModel
import Testing
@testable import LanesAnalysis

/// How blocking occurrences get their site and state from watchdog samples: CPU work sampled on
/// several lines and in a helper it calls is one finding per call; a sleeping call keeps its
/// line; pre-emption names an occurrence only when it made the job reach the threshold.
@Suite("Blocking sites and states")
struct BlockingSiteGroupingTests {
    let ms = TraceFixture.ms
    static let file = "/app/Sources/App/Pricing.swift"

    /// A trace builder with one executor thread and code addresses symbolicated as app frames.
    struct SampledTrace {
        var fixture = TraceFixture()
        let thread: Int32
        var nextTask: UInt64 = 1
        var nextAddress: UInt64 = 1 << 20

        init() { thread = fixture.thread(1) }

        /// One job of its own task inside a span named `name`, from `start` for `length` ms,
        /// sampled at +5 ms (the baseline) and at the end with the given counters' growth and
        /// the stack `frames` (innermost first: function, line).
        mutating func job(
            _ name: String, start: Int64, length: Int64, cpu: Int64, runQueue: Int64, state: Character = "R",
            frames: [(String, Int)]
        ) {
            let ms = TraceFixture.ms
            let task = fixture.task(nextTask)
            nextTask += 1
            fixture.span(name, .handler, from: start, to: start + length, task: task, thread: thread)
            fixture.slice(task: task, thread: thread, enqueued: start, started: start, ended: start + length)
            let stack = addStack(frames)
            let letter = UInt8(ascii: state.unicodeScalars.first!)
            fixture.builder.addSample(ThreadSample(
                time: ms(start + 5), jobStarted: ms(start), thread: thread, task: task, state: letter,
                flags: .baseline, cpuNanoseconds: 0, runQueueNanoseconds: 0, stack: -1))
            fixture.builder.addSample(ThreadSample(
                time: ms(start + length - 1), jobStarted: ms(start), thread: thread, task: task, state: letter,
                flags: .signalled, cpuNanoseconds: ms(cpu), runQueueNanoseconds: ms(runQueue), stack: stack))
        }

        /// One job of its own task inside a span named `name`, from `start` for `length` ms,
        /// computing all along, sampled every 5 ms from +10 ms with the stacks `stacks` (each
        /// innermost first: function, line), one per sample.
        mutating func computingJob(_ name: String, start: Int64, length: Int64, stacks: [[(String, Int)]]) {
            let ms = TraceFixture.ms
            let task = fixture.task(nextTask)
            nextTask += 1
            fixture.span(name, .handler, from: start, to: start + length, task: task, thread: thread)
            fixture.slice(task: task, thread: thread, enqueued: start, started: start, ended: start + length)
            for (position, frames) in stacks.enumerated() {
                let elapsed = 10 + Int64(position) * 5
                fixture.builder.addSample(ThreadSample(
                    time: ms(start + elapsed), jobStarted: ms(start), thread: thread, task: task, state: UInt8(ascii: "R"),
                    flags: .signalled, cpuNanoseconds: ms(elapsed), runQueueNanoseconds: 0, stack: addStack(frames)))
            }
        }

        /// A stack of `frames` (innermost first: function, line) whose addresses are all new and
        /// symbolicated as the app's code; return addresses are stored minus one.
        private mutating func addStack(_ frames: [(String, Int)]) -> Int32 {
            let base = nextAddress
            nextAddress += 1 << 20
            let sampled = frames.indices.map { base + UInt64($0) * 16 + 1 }
            for (position, (function, line)) in frames.enumerated() {
                let stored = position == 0 ? sampled[position] : sampled[position] - 1
                fixture.builder.addSymbols(address: stored, locations: [
                    SymbolLocation(function: function, file: BlockingSiteGroupingTests.file, line: line, isAppCode: true),
                ])
            }
            return fixture.builder.addStack(sampledFrames: sampled)
        }
    }

    func blockingGroups(_ trace: Trace) -> [TraceSummary.FindingGroup] {
        TraceSummary(analysis: TraceAnalysis(trace: trace)).findingGroups.filter { $0.rule == .blockingCall }
    }

    @Test("a CPU loop sampled on two lines and in the helper it calls is one finding at the loop")
    func cpuWorkIsOneFindingPerCall() {
        var sampled = SampledTrace()
        let handler = ("closure #1 in router()", 19)
        for index in 0..<9 {
            let start = Int64(index) * 100
            switch index % 3 {
            case 0: sampled.job("/compute", start: start, length: 40, cpu: 33, runQueue: 0,
                                frames: [("threadCPUNanoseconds()", 25), ("price(for:)", 19), handler])
            case 1: sampled.job("/compute", start: start, length: 40, cpu: 33, runQueue: 0,
                                frames: [("price(for:)", 17), handler])
            default: sampled.job("/compute", start: start, length: 40, cpu: 33, runQueue: 0,
                                 frames: [("price(for:)", 16), handler])
            }
        }
        let groups = blockingGroups(sampled.fixture.build())
        #expect(groups.count == 1, "\(groups.map(\.message))")
        let group = groups.first
        #expect(group?.count == 9)
        #expect(group?.site?.function == "price(for:)")
        #expect([16, 17, 19].contains(group?.site?.line ?? 0))
        #expect(group?.state == .computing)
    }

    /// The scenario server's price calculation on a busy machine: a loop that calls a helper,
    /// sampled several times in a row in each by chance, is one occurrence, not one per run.
    @Test("a loop that goes back and forth between two functions is one occurrence, however long each run")
    func alternatingLoopIsOneOccurrence() {
        var sampled = SampledTrace()
        let handler = ("closure #1 in router()", 19)
        let loop = [("price(for:)", 17), handler]
        let helper = [("threadCPUNanoseconds()", 25), ("price(for:)", 19), handler]
        // 90 ms, samples at 10...85 ms: 25 ms in the loop, 25 in the helper, 20 in the loop.
        let stacks = Array(repeating: loop, count: 5) + Array(repeating: helper, count: 5) + Array(repeating: loop, count: 6)
        sampled.computingJob("/compute", start: 0, length: 90, stacks: stacks)
        let analysis = TraceAnalysis(trace: sampled.fixture.build())
        #expect(analysis.blockingOccurrences.count == 1, "\(analysis.blockingOccurrences.map(\.site))")
        #expect(analysis.blockingOccurrences.first?.site.function == "price(for:)")
        #expect(analysis.blockingOccurrences.first?.heldNanoseconds == ms(90))
    }

    /// The same on a busy machine when the loop is sampled first, then only in the helper: the
    /// job is cut where the samples moved, but the helper's piece is the loop's call (another
    /// job's samples site the loop), so the two pieces are one occurrence again.
    @Test("a loop sampled first in itself, then in the helper it calls, is one occurrence")
    func loopThenHelperIsOneOccurrence() {
        var sampled = SampledTrace()
        let handler = ("closure #1 in router()", 19)
        let loop = [("price(for:)", 17), handler]
        let helper = [("threadCPUNanoseconds()", 25), ("price(for:)", 19), handler]
        sampled.computingJob("/compute", start: 0, length: 60, stacks: Array(repeating: loop, count: 10))
        sampled.computingJob("/compute", start: 100, length: 90, stacks: Array(repeating: loop, count: 7) + Array(repeating: helper, count: 9))
        let analysis = TraceAnalysis(trace: sampled.fixture.build())
        let occurrences = analysis.blockingOccurrences
        #expect(occurrences.map(\.heldNanoseconds) == [ms(60), ms(90)], "\(occurrences.map { ($0.begin, $0.end, $0.site) })")
        #expect(occurrences.allSatisfy { $0.site.function == "price(for:)" && $0.state == .computing })
        let groups = blockingGroups(sampled.fixture.build())
        #expect(groups.count == 1 && groups.first?.count == 2, "\(groups.map(\.message))")
    }

    /// Steps one after another (a computation, then a blocking wait in another function) are
    /// cut where the samples moved, one occurrence each at its own site.
    @Test("a job that computes in one function and then in another is one occurrence per function")
    func consecutivePlacesAreOccurrencesOfTheirOwn() {
        var sampled = SampledTrace()
        let first = [("price(for:)", 17), ("closure #1 in router()", 19)]
        let second = [("checksum()", 40), ("closure #1 in router()", 20)]
        sampled.computingJob("/compute", start: 0, length: 90, stacks: Array(repeating: first, count: 8) + Array(repeating: second, count: 8))
        let analysis = TraceAnalysis(trace: sampled.fixture.build())
        #expect(analysis.blockingOccurrences.map { $0.site.function ?? "" } == ["price(for:)", "checksum()"],
                "\(analysis.blockingOccurrences.map(\.site))")
    }

    @Test("sleeping calls keep their own line, and a helper that sleeps is not folded into its caller")
    func sleepingSitesStayExact() {
        var sampled = SampledTrace()
        for index in 0..<6 {
            let start = Int64(index) * 100
            if index % 2 == 0 {
                sampled.job("/block", start: start, length: 50, cpu: 0, runQueue: 0, state: "S",
                            frames: [("fetch()", 10), ("closure #1 in router()", 30)])
            } else {
                sampled.job("/block", start: start, length: 50, cpu: 0, runQueue: 0, state: "S",
                            frames: [("wait()", 40), ("fetch()", 12), ("closure #1 in router()", 30)])
            }
        }
        // A job of /block that computed in fetch() must not pull the sleeping ones to it.
        sampled.job("/block", start: 700, length: 40, cpu: 35, runQueue: 0, frames: [("fetch()", 14), ("closure #1 in router()", 30)])
        let groups = blockingGroups(sampled.fixture.build())
        let sites = Set(groups.compactMap { $0.site.map { "\($0.function ?? "") \($0.line) \($0.file ?? "")" } })
        #expect(sites == ["fetch() 10 \(Self.file)", "wait() 40 \(Self.file)", "fetch() 14 \(Self.file)"], "\(groups.map(\.message))")
        #expect(groups.first { $0.site?.line == 10 }?.state == .sleepingOrWaiting)
        #expect(groups.first { $0.site?.line == 10 }?.count == 3)
    }

    @Test("pre-empted names a job only when the time it was not pre-empted stays under the threshold")
    func preemptionAndComputing() {
        var sampled = SampledTrace()
        // 70 ms: 25 ms of CPU and 44 ms waiting for a processor; 29 ms of its own is over 20 ms.
        sampled.job("/long", start: 0, length: 70, cpu: 25, runQueue: 39, frames: [("crunch()", 5)])
        // 30 ms: 3 ms of CPU and 22 ms waiting; 5 ms of its own is a short job on a busy machine.
        sampled.job("/short", start: 100, length: 30, cpu: 3, runQueue: 21, frames: [("answer()", 7)])
        let groups = blockingGroups(sampled.fixture.build())
        #expect(groups.first { $0.spanName == "/long" }?.state == .computing, "\(groups.map(\.message))")
        #expect(groups.first { $0.spanName == "/short" }?.state == .preempted, "\(groups.map(\.message))")
    }
}
