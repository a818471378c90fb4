import LanesModel

/// What a set of samples (usually one job's) says: how the time between them divides into
/// sleeping or waiting, computing and pre-empted, and where in the app's code the thread was.
///
/// Built by `SampleDiagnosis.init(samples:in:)`; `SampleDiagnosis.samples(ofJob:in:)` finds a
/// job's samples. `SampleEvidence` hands it to the blocking-call rule.
public struct SampleDiagnosis: Sendable, Equatable {
    /// How many samples were considered (the counters-only baseline included).
    public var sampleCount: Int
    /// The dominant state, or nil with no samples.
    public var state: BlockingState?
    /// Shares of the observed time, summing to 1 (all 0 with no samples).
    public var sleepingFraction: Double
    public var computingFraction: Double
    public var preemptedFraction: Double
    /// The wall time the counters' deltas cover (0 when the fractions come from state letters
    /// alone, as with a single sample).
    public var observedNanoseconds: Int64
    /// Where the job was: the function that is most often the first app frame of the samples'
    /// stacks, at its most frequent known line (nil when no stack has an app frame, or the
    /// trace is not symbolicated).
    public var site: CodeLocation?
    /// How many samples had their first app frame in that site's function.
    public var siteSampleCount: Int
    /// The most frequent stack among the samples with that site (or among all samples when no
    /// site is known): an index into `trace.sampling.stacks`.
    public var stack: Int32?

    /// Diagnoses the samples at `indexes` (indexes into `trace.sampling.samples`).
    ///
    /// States come from the counters: between two consecutive samples of one job, CPU time
    /// grown counts as computing, run-queue time grown as pre-empted, and the rest of the wall
    /// time as sleeping or waiting, unless the thread was runnable (`R`) at both samples: then
    /// the rest is pre-empted too (the kernel adds a wait for a CPU to the run-queue counter only
    /// once it is over, so a wait still going on at the second sample is not in it yet). Without
    /// a pair (one sample), each sample's state letter counts instead: `R` computing, anything
    /// else sleeping or waiting.
    public init<Indexes: Collection<Int>>(samples indexes: Indexes, in trace: Trace) {
        let samples = trace.sampling.samples
        let ordered = indexes.sorted { (samples[$0].jobStarted, samples[$0].time) < (samples[$1].jobStarted, samples[$1].time) }
        var sleeping: Int64 = 0
        var computing: Int64 = 0
        var preempted: Int64 = 0
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            let first = samples[earlier]
            let second = samples[later]
            guard first.jobStarted == second.jobStarted, first.thread == second.thread else { continue }
            let wall = max(0, second.time - first.time)
            let cpu = min(wall, max(0, second.cpuNanoseconds - first.cpuNanoseconds))
            var waiting = min(wall - cpu, max(0, second.runQueueNanoseconds - first.runQueueNanoseconds))
            let running = UInt8(ascii: "R")
            if first.state == running && second.state == running { waiting = wall - cpu }
            computing += cpu
            preempted += waiting
            sleeping += wall - cpu - waiting
        }
        observedNanoseconds = sleeping + computing + preempted
        if observedNanoseconds == 0 {
            for index in ordered {
                if samples[index].state == UInt8(ascii: "R") { computing += 1 } else { sleeping += 1 }
            }
        }
        let total = Double(sleeping + computing + preempted)
        sampleCount = ordered.count
        sleepingFraction = total > 0 ? Double(sleeping) / total : 0
        computingFraction = total > 0 ? Double(computing) / total : 0
        preemptedFraction = total > 0 ? Double(preempted) / total : 0
        if total == 0 {
            state = nil
        } else if sleeping >= computing && sleeping >= preempted {
            state = .sleepingOrWaiting
        } else {
            state = computing >= preempted ? .computing : .preempted
        }

        // Where: the function most often first in the app's code, at its most frequent known
        // line (compilers give some instructions line 0), then that site's most frequent stack.
        var byFunction: [FunctionKey: [Int: [Int32: Int]]] = [:]
        var byStack: [Int32: Int] = [:]
        for index in ordered where samples[index].stack >= 0 {
            let stack = samples[index].stack
            byStack[stack, default: 0] += 1
            if let site = SampleDiagnosis.firstAppFrame(ofStack: Int(stack), in: trace) {
                byFunction[FunctionKey(function: site.function, file: site.filePath), default: [:]][site.line, default: [:]][stack, default: 0] += 1
            }
        }
        func sum(_ counts: [Int32: Int]) -> Int { counts.values.reduce(0, +) }
        func mostFrequent(_ counts: [Int32: Int]) -> Int32? {
            counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
        }
        let function = byFunction.max { left, right in
            let leftCount = left.value.values.map(sum).reduce(0, +)
            let rightCount = right.value.values.map(sum).reduce(0, +)
            return (leftCount, right.key.function, right.key.file) < (rightCount, left.key.function, left.key.file)
        }
        if let function {
            let lines = function.value.filter { $0.key > 0 }.isEmpty ? function.value : function.value.filter { $0.key > 0 }
            let line = lines.max { (sum($0.value), -$0.key) < (sum($1.value), -$1.key) }!
            site = CodeLocation(function: function.key.function, filePath: function.key.file, line: line.key)
            siteSampleCount = function.value.values.map(sum).reduce(0, +)
            stack = mostFrequent(line.value)
        } else {
            site = nil
            siteSampleCount = 0
            stack = mostFrequent(byStack)
        }
    }

    /// A function of the app's code: what samples are grouped by, here and in `SampleEvidence`.
    fileprivate struct FunctionKey: Hashable {
        var function: String
        var file: String
    }

    /// The samples of the job that `slice` describes: those taken on its thread while it ran.
    public static func samples(ofJob slice: TaskStateSlice, in trace: Trace) -> Range<Int> {
        trace.sampling.samples(onThread: slice.thread, from: slice.started, to: slice.ended)
    }

    /// The innermost location of the app's own code in stack `stack`, inlined frames included;
    /// nil when the trace has no symbols or the stack passes through no app code.
    public static func firstAppFrame(ofStack stack: Int, in trace: Trace) -> CodeLocation? {
        appFrames(ofStack: stack, in: trace).first { _ in true }
    }

    /// The locations of the app's own code in stack `stack`, innermost first, inlined frames
    /// included (empty when the trace has no symbols).
    public static func appFrames(ofStack stack: Int, in trace: Trace) -> some Sequence<CodeLocation> {
        let symbols = trace.sampling.symbols
        let frames = symbols != nil && stack >= 0 && stack < trace.sampling.stacks.count
            ? trace.sampling.stacks.frames(ofStack: stack) : []
        return frames.lazy.flatMap { address in
            (symbols?.locations(ofAddress: Int(address)) ?? []).lazy.filter(\.isAppCode).map { location in
                CodeLocation(function: location.function, filePath: location.file, line: location.line)
            }
        }
    }
}

/// The watchdog's samples as evidence for the blocking rules: what a thread did over an
/// interval, and where, from the samples taken on it then.
public struct SampleEvidence: BlockingEvidence {
    let trace: Trace

    /// Evidence from `trace`'s samples (nil when it has none).
    public init?(trace: Trace) {
        guard !trace.sampling.samples.isEmpty else { return nil }
        self.trace = trace
    }

    public func evidence(thread: Int32, task: Int32, from: Int64, to: Int64) -> BlockingEvidenceSummary? {
        let indexes = trace.sampling.samples(onThread: thread, from: from, to: to)
        guard !indexes.isEmpty else { return nil }
        let diagnosis = SampleDiagnosis(samples: indexes, in: trace)
        // The task the runtime had current when the thread was signalled; for a blocked thread,
        // the job's own task.
        var tasks: [Int32: Int] = [:]
        for index in indexes where trace.sampling.samples[index].task >= 0 {
            tasks[trace.sampling.samples[index].task, default: 0] += 1
        }
        let sampledTask = tasks.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? -1
        var summary = BlockingEvidenceSummary(
            state: diagnosis.state, function: diagnosis.site?.function, file: diagnosis.site?.filePath,
            line: diagnosis.site?.line ?? 0, task: sampledTask)
        summary.preemptedFraction = diagnosis.preemptedFraction
        summary.sleepingFraction = diagnosis.sleepingFraction
        summary.computingFraction = diagnosis.computingFraction
        summary.stack = diagnosis.stack ?? -1
        return summary
    }

    /// Runs of consecutive samples whose first app frame is the same function are one place; a
    /// place's time reaches from halfway after the previous place's last sample to halfway after
    /// its own last one. Places shorter than `minimum` (a stray sample in a helper, a loop that
    /// alternates between two functions) are folded into a neighbour, shortest first, until
    /// every place lasts at least `minimum`; the boundaries between what is left are returned.
    /// When what is left comes back to a function it left (a loop that calls a helper, sampled
    /// long enough in each by chance, or on a busy machine), the job was not in one place after
    /// another: it is one place, and no boundary is returned.
    public func siteBoundaries(thread: Int32, from: Int64, to: Int64, minimum: Int64) -> [Int64] {
        let samples = trace.sampling.samples
        var places: [SampledPlace] = []
        for index in trace.sampling.samples(onThread: thread, from: from, to: to) {
            let sample = samples[index]
            guard sample.stack >= 0, let site = SampleDiagnosis.firstAppFrame(ofStack: Int(sample.stack), in: trace) else {
                continue
            }
            let key = SampleDiagnosis.FunctionKey(function: site.function, file: site.filePath)
            if places.last?.key == key {
                places[places.count - 1].lastSample = sample.time
            } else {
                places.append(SampledPlace(key: key, firstSample: sample.time, lastSample: sample.time))
            }
        }
        guard places.count >= 2 else { return [] }
        func boundaries() -> [Int64] {
            zip(places, places.dropFirst()).map { ($0.lastSample + $1.firstSample) / 2 }
        }
        while places.count >= 2 {
            let cuts = [from] + boundaries() + [to]
            let lengths = places.indices.map { cuts[$0 + 1] - cuts[$0] }
            guard let shortest = lengths.indices.min(by: { lengths[$0] < lengths[$1] }), lengths[shortest] < minimum else { break }
            // Into the neighbour it splits (then the two sides join), else the longer neighbour.
            let before = shortest > 0 ? shortest - 1 : nil
            let after = shortest + 1 < places.count ? shortest + 1 : nil
            let into: Int
            if let before, let after {
                into = places[before].key == places[after].key || lengths[before] >= lengths[after] ? before : after
            } else {
                into = before ?? after!
            }
            places[into].firstSample = min(places[into].firstSample, places[shortest].firstSample)
            places[into].lastSample = max(places[into].lastSample, places[shortest].lastSample)
            places.remove(at: shortest)
            var merged: [SampledPlace] = []
            for place in places {
                if merged.last?.key == place.key {
                    merged[merged.count - 1].lastSample = place.lastSample
                } else {
                    merged.append(place)
                }
            }
            places = merged
        }
        guard places.count >= 2, Set(places.map(\.key)).count == places.count else { return [] }
        return boundaries()
    }

    /// A run of samples at one function of the app's code.
    private struct SampledPlace {
        var key: SampleDiagnosis.FunctionKey
        var firstSample: Int64
        var lastSample: Int64
    }
}
