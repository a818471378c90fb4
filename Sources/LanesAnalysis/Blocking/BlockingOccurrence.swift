import LanesModel

/// One time an executor thread was held for at least the blocking threshold: a job that ran that
/// long without suspending, whatever was or was not wrapped in a span, or a synchronous span
/// that began on an executor thread.
public struct BlockingOccurrence: Sendable {
    /// When the thread was taken.
    public var begin: Int64
    /// When it was given back.
    public var end: Int64
    /// Time held that no other occurrence counts: a job's time outside the blocking synchronous
    /// spans inside it, which are occurrences of their own.
    public var heldNanoseconds: Int64
    /// The thread held (an index), or -1.
    public var thread: Int32
    /// The task that held it (an index), or -1 when unknown (an actor's job runs several).
    public var task: Int32
    /// The span it is attributed to: the innermost span open in that task through most of the
    /// job (or the synchronous span itself), or -1.
    public var span: Int32
    /// The job (an index into `Trace.slices`), or -1 for a synchronous span without job data.
    public var slice: Int32
    /// Where it happened, as findings group it.
    public var site: BlockingSite
    /// What the thread was doing, when known.
    public var state: BlockingState?
    /// Job-nanoseconds that ready jobs waited for an executor thread while this one was held.
    public var waitedNanoseconds: Int64
    /// The most frequent sampled stack at the site (an index into `trace.sampling.stacks`), or -1.
    public var stack: Int32 = -1
}

/// Evidence about what a thread was doing over an interval: stack samples and scheduler
/// counters. Provided by the trace's watchdog samples when it has them.
public protocol BlockingEvidence: Sendable {
    /// What thread `thread` did during `[from, to)` while running task `task` (-1: any), or nil
    /// when there is no evidence.
    func evidence(thread: Int32, task: Int32, from: Int64, to: Int64) -> BlockingEvidenceSummary?

    /// Times within `(from, to)` where what held `thread` moved from one place in the app's code
    /// to another, each place having held it for at least `minimum` nanoseconds; empty when the
    /// evidence does not tell (one place, or none known).
    func siteBoundaries(thread: Int32, from: Int64, to: Int64, minimum: Int64) -> [Int64]
}

extension BlockingEvidence {
    public func siteBoundaries(thread: Int32, from: Int64, to: Int64, minimum: Int64) -> [Int64] { [] }
}

/// What evidence says about one occurrence.
public struct BlockingEvidenceSummary: Sendable {
    /// The dominant state over the interval, when the samples tell.
    public var state: BlockingState?
    /// The app's function and line of the most frequent stack, when symbolicated.
    public var function: String?
    public var file: String?
    public var line: Int
    /// The task the samples saw current (for jobs that are not tasks, such as an actor's), or -1.
    public var task: Int32
    /// Shares of the observed time spent sleeping or waiting, computing and pre-empted (all 0
    /// when unknown).
    public var sleepingFraction: Double = 0
    public var computingFraction: Double = 0
    public var preemptedFraction: Double = 0
    /// The most frequent stack at the site (an index into `trace.sampling.stacks`), or -1.
    public var stack: Int32 = -1

    public init(state: BlockingState?, function: String?, file: String?, line: Int, task: Int32 = -1) {
        self.state = state
        self.function = function
        self.file = file
        self.line = line
        self.task = task
    }
}

/// Finds every blocking occurrence of a trace.
struct BlockingOccurrenceFinder {
    let trace: Trace
    let structure: SpanStructure
    let threshold: Int64
    let queued: QueuedJobs
    let evidence: (any BlockingEvidence)?

    /// Occurrences in begin order.
    func find() -> [BlockingOccurrence] {
        var occurrences: [BlockingOccurrence] = []
        // Synchronous spans on an executor thread that lasted at least the threshold are
        // occurrences of their own; `runSync` bridges are reported by their own rule. Jobs do not
        // count the time inside either again.
        var syncSpansByThread: [Int32: [Int32]] = [:]
        for span32 in structure.outermostBlocking {
            let span = Int(span32)
            let kind = trace.spanKind[span]
            if kind == .sync, wall(span) >= threshold {
                occurrences.append(syncSpanOccurrence(span))
            } else if kind != .runSync {
                continue
            }
            syncSpansByThread[trace.spanThread[span], default: []].append(span32)
        }
        for thread in syncSpansByThread.keys {
            syncSpansByThread[thread]!.sort { trace.spanBegin[Int($0)] < trace.spanBegin[Int($1)] }
        }
        // Jobs that ran at least the threshold without suspending, minus the spans above.
        var spansByThread: ThreadSpanIndex?
        for (index, slice) in trace.slices.enumerated() where slice.ended &- slice.started >= threshold {
            let held = heldTime(thread: slice.thread, from: slice.started, to: slice.ended, syncSpansByThread)
            guard held >= threshold else { continue }
            let heldIn = { heldTime(thread: slice.thread, from: $0, to: $1, syncSpansByThread) }
            let pieces = requestPieces(of: slice, held: heldIn).flatMap { sitePieces(of: $0, held: heldIn) }
            for piece in pieces {
                let pieceHeld = pieces.count == 1 ? held : heldIn(piece.started, piece.ended)
                occurrences.append(jobOccurrence(Int32(index), piece, held: pieceHeld, spansByThread: &spansByThread))
            }
        }
        // How long ready jobs waited meanwhile, for all occurrences at once (see `QueuedJobs`).
        let waits = queued.waits(during: occurrences.map { ($0.begin, $0.end) })
        for index in occurrences.indices { occurrences[index].waitedNanoseconds = waits[index] }
        occurrences.sort { ($0.begin, $0.thread) < ($1.begin, $1.thread) }
        WanderingSites(trace: trace).gather(&occurrences)
        return RejoinedPieces(evidence: evidence) { state(of: $0, held: $1) }.rejoin(occurrences)
    }

    private func wall(_ span: Int) -> Int64 { trace.spanEnd[span] &- trace.spanBegin[span] }

    /// How long `thread` was held over `[from, to)` outside the blocking synchronous spans on it
    /// (`syncSpansByThread`, sorted by begin), which are occurrences of their own.
    private func heldTime(thread: Int32, from: Int64, to: Int64, _ syncSpansByThread: [Int32: [Int32]]) -> Int64 {
        var held = to &- from
        guard let spans = syncSpansByThread[thread] else { return held }
        // Outermost blocking spans of one thread do not overlap: sorted by begin, they are sorted
        // by end too.
        var position = spans.partitioningIndex { trace.spanEnd[Int($0)] > from }
        while position < spans.count, trace.spanBegin[Int(spans[position])] < to {
            let span = Int(spans[position])
            held &-= max(0, min(to, trace.spanEnd[span]) &- max(from, trace.spanBegin[span]))
            position += 1
        }
        return held
    }

    /// A job that ran several spans of its task one after another without suspending (a
    /// connection's task serving requests that were already waiting) held the thread for each of
    /// them: it is cut at the end of each such outermost span, one piece per span, when every
    /// piece held the thread (`held(from, to)`) for at least the threshold; otherwise it stays
    /// whole. The pieces cover the job, so held time is counted the same either way.
    private func requestPieces(of slice: TaskStateSlice, held: (Int64, Int64) -> Int64) -> [TaskStateSlice] {
        let task = Int(slice.task)
        guard task >= 0, task < trace.tasks.count, trace.tasks.id(ofTask: task) != 0 else { return [slice] }
        let candidates = trace.spans(inLane: task, overlapping: slice.started, slice.ended)
        guard candidates.count >= 2 else { return [slice] }
        let candidateSet = Set(candidates)
        let outermost = candidates.filter { !candidateSet.contains(trace.spanParent[Int($0)]) }
            .sorted { (trace.spanBegin[Int($0)], $0) < (trace.spanBegin[Int($1)], $1) }
        guard outermost.count >= 2 else { return [slice] }
        var pieces: [TaskStateSlice] = []
        var start = slice.started
        for (position, span) in outermost.enumerated() {
            var end = slice.ended
            if position + 1 < outermost.count {
                end = trace.spanEnd[Int(span)]
                // Spans that overlap, or end outside the job, are not one request after another.
                guard end > start, end < slice.ended, end <= trace.spanBegin[Int(outermost[position + 1])] else { return [slice] }
            }
            guard held(start, end) >= threshold else { return [slice] }
            pieces.append(TaskStateSlice(task: slice.task, thread: slice.thread, enqueued: start, started: start, ended: end))
            start = end
        }
        pieces[0].enqueued = slice.enqueued
        return pieces
    }

    /// A job (or a request's piece of one) that held the thread in several places of the app's
    /// code one after another, each for at least the threshold (an actor's blocking read, then a
    /// semaphore wait, then a long computation), is cut where the samples moved from one to the
    /// next, one piece per place, when every piece held the thread (`held(from, to)`) for at least
    /// the threshold; otherwise it stays whole. So each line that held a thread is a finding of its
    /// own with its own time, not hidden behind the first. The pieces cover the job.
    private func sitePieces(of slice: TaskStateSlice, held: (Int64, Int64) -> Int64) -> [TaskStateSlice] {
        guard let evidence else { return [slice] }
        let boundaries = evidence.siteBoundaries(thread: slice.thread, from: slice.started, to: slice.ended, minimum: threshold)
        guard !boundaries.isEmpty else { return [slice] }
        var pieces: [TaskStateSlice] = []
        var start = slice.started
        for end in boundaries + [slice.ended] {
            guard end > start, held(start, end) >= threshold else { return [slice] }
            pieces.append(TaskStateSlice(task: slice.task, thread: slice.thread, enqueued: start, started: start, ended: end))
            start = end
        }
        pieces[0].enqueued = slice.enqueued
        return pieces
    }

    /// The state that made an occurrence of `held` nanoseconds reach the threshold. Pre-emption is
    /// the machine's doing, so it names the occurrence only when the time the thread was not
    /// pre-empted stays under the threshold (a 2 ms job that waited 20 ms for a processor): work
    /// that would have held the thread that long on an idle machine is computing, or sleeping or
    /// waiting, however long it also waited for a processor.
    func state(of evidence: BlockingEvidenceSummary?, held: Int64) -> BlockingState? {
        guard let evidence, evidence.state == .preempted,
              Double(held) * (1 - evidence.preemptedFraction) >= Double(threshold) else { return evidence?.state }
        return evidence.sleepingFraction > evidence.computingFraction ? .sleepingOrWaiting : .computing
    }

    private func syncSpanOccurrence(_ span: Int) -> BlockingOccurrence {
        let begin = trace.spanBegin[span]
        let end = trace.spanEnd[span]
        let thread = trace.spanThread[span]
        let task = trace.spanTask[span]
        let found = evidence?.evidence(thread: thread, task: task, from: begin, to: end)
        var state = self.state(of: found, held: end &- begin)
        if state == nil, let cpu = trace.cpuNanoseconds(ofSpan: span), end > begin {
            state = Double(cpu) / Double(end &- begin) <= 0.5 ? .sleepingOrWaiting : .computing
        }
        return BlockingOccurrence(
            begin: begin, end: end, heldNanoseconds: end &- begin, thread: thread, task: task,
            span: Int32(span), slice: -1,
            site: site(name: DisplayText.name(ofSpan: span, in: trace), span: span, evidence: found),
            state: state, waitedNanoseconds: 0, stack: found?.stack ?? -1)
    }

    private func jobOccurrence(
        _ index: Int32, _ slice: TaskStateSlice, held: Int64, spansByThread: inout ThreadSpanIndex?
    ) -> BlockingOccurrence {
        let found = evidence?.evidence(thread: slice.thread, task: slice.task, from: slice.started, to: slice.ended)
        var task = slice.task
        if task >= 0, task < trace.tasks.count, trace.tasks.id(ofTask: Int(task)) == 0 { task = -1 }
        if task < 0, let sampled = found?.task, sampled >= 0 { task = sampled }
        var span: Int32 = -1
        if task >= 0 {
            span = innermostSpan(in: trace.spans(inLane: Int(task), overlapping: slice.started, slice.ended), slice)
        }
        if span < 0 {
            if spansByThread == nil { spansByThread = ThreadSpanIndex(trace: trace) }
            span = innermostSpan(in: spansByThread!.spans(onThread: slice.thread, beginningIn: slice.started, slice.ended), slice)
            if span >= 0, task < 0 { task = trace.spanTask[Int(span)] }
        }
        let name: String
        if span >= 0 {
            name = DisplayText.name(ofSpan: Int(span), in: trace)
        } else if task >= 0, trace.tasks.nameIndex(ofTask: Int(task)) != 0 {
            name = DisplayText.escaped(trace.name(ofTask: Int(task)))
        } else if let function = found?.function, !function.isEmpty {
            name = DisplayText.escaped(function)
        } else {
            name = task >= 0 ? DisplayText.escaped(trace.name(ofTask: Int(task))) : "an actor or other job"
        }
        return BlockingOccurrence(
            begin: slice.started, end: slice.ended, heldNanoseconds: held, thread: slice.thread, task: task,
            span: span, slice: index,
            site: site(name: name, span: Int(span), evidence: found),
            state: state(of: found, held: slice.ended &- slice.started),
            waitedNanoseconds: 0, stack: found?.stack ?? -1)
    }

    /// The site: `name`, with the app's code location from stack samples, else from the span's
    /// own code location attributes (importers such as viztracer's record them).
    private func site(name: String, span: Int, evidence: BlockingEvidenceSummary?) -> BlockingSite {
        if let evidence, evidence.file != nil {
            return BlockingSite(name: name, function: evidence.function, file: evidence.file, line: evidence.line)
        }
        if span >= 0, let location = trace.codeLocation(ofSpan: span) {
            return BlockingSite(
                name: name, function: DisplayText.escaped(location.function), file: DisplayText.escaped(location.filePath),
                line: location.line)
        }
        return BlockingSite(name: name, function: evidence?.function)
    }

    /// The deepest of `candidates` that covers at least half of the job, or -1. A job that ran
    /// several spans one after the other (a connection's task serving requests that were already
    /// waiting, without suspending in between) has none: then the deepest that covers at least
    /// half as much as the one covering most of it.
    private func innermostSpan(in candidates: [Int32], _ slice: TaskStateSlice) -> Int32 {
        let length = slice.ended &- slice.started
        let found = innermostSpan(in: candidates, slice, covering: length)
        guard found < 0, !candidates.isEmpty else { return found }
        let most = candidates.reduce(Int64(0)) { most, candidate in
            max(most, min(slice.ended, trace.spanEnd[Int(candidate)]) &- max(slice.started, trace.spanBegin[Int(candidate)]))
        }
        return most > 0 ? innermostSpan(in: candidates, slice, covering: most) : -1
    }

    /// The deepest of `candidates` that covers at least half of `reference` nanoseconds of the
    /// job (the longest such overlap among equally deep ones), or -1.
    private func innermostSpan(in candidates: [Int32], _ slice: TaskStateSlice, covering reference: Int64) -> Int32 {
        var best: Int32 = -1
        var bestDepth = -1
        var bestOverlap: Int64 = -1
        for candidate in candidates {
            let span = Int(candidate)
            let overlap = min(slice.ended, trace.spanEnd[span]) &- max(slice.started, trace.spanBegin[span])
            guard overlap &* 2 >= reference else { continue }
            let depth = self.depth(of: span)
            if depth > bestDepth || (depth == bestDepth && overlap > bestOverlap) {
                best = candidate
                bestDepth = depth
                bestOverlap = overlap
            }
        }
        return best
    }

    private func depth(of span: Int) -> Int {
        var depth = 0
        var current = Int(trace.spanParent[span])
        while current >= 0, depth < 1_000 {
            depth += 1
            current = Int(trace.spanParent[current])
        }
        return depth
    }
}

/// Spans by the thread they began on, in begin order: where to look for the spans an actor's
/// job ran (it runs several tasks' work, so its own task says nothing).
struct ThreadSpanIndex {
    private var spansByThread: [Int32: [Int32]] = [:]
    private let trace: Trace

    init(trace: Trace) {
        self.trace = trace
        for span in 0..<trace.spanCount {
            spansByThread[trace.spanThread[span], default: []].append(Int32(span))
        }
        for thread in spansByThread.keys {
            spansByThread[thread]!.sort { (trace.spanBegin[Int($0)], $0) < (trace.spanBegin[Int($1)], $1) }
        }
    }

    /// The spans that began on `thread` within `[from, to)`.
    func spans(onThread thread: Int32, beginningIn from: Int64, _ to: Int64) -> [Int32] {
        guard let spans = spansByThread[thread] else { return [] }
        var index = spans.partitioningIndex { trace.spanBegin[Int($0)] >= from }
        var result: [Int32] = []
        while index < spans.count, trace.spanBegin[Int(spans[index])] < to {
            result.append(spans[index])
            index += 1
        }
        return result
    }
}
