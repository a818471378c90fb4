import LanesModel

/// Joins the pieces of each coroutine frame across a task's steps into one span.
///
/// viztracer records a frame once per resumption: a coroutine that awaited twice appears as three
/// slices, one in each step. A frame that was open when a step ended (its task suspended inside
/// it) and reappears as the first frame at the same depth of the task's next step is the same
/// frame resumed; its pieces become one span from its first call to its last return, with the
/// children of every piece. A frame that lasted several steps awaited something (`async`); one
/// that began and ended inside a step ran synchronously on the event loop (`sync`); the task's
/// coroutine is the root of its lane (`handler`).
///
/// viztracer names a task's thread after the task's address, so a task created after another one
/// was freed can land on the same thread. A step is taken as the start of another task when the
/// previous step ended inside a child frame (of a function seen resumed elsewhere) that the step
/// does not resume, and the step begins with the same call as the task's first step did.
struct AsyncioStepStitcher {
    /// Stitched spans, each from its first piece's begin to its last piece's end.
    var begin: [Int64] = []
    var end: [Int64] = []
    /// The name, an index into the input trace's strings.
    var name: [UInt32] = []
    /// A stitched span index, or -1 for a task's coroutine.
    var parent: [Int32] = []
    /// How many steps the frame ran in.
    var pieces: [Int32] = []
    /// The task (an index into `tasks`).
    var task: [Int32] = []
    /// The loop thread (an input thread index) of the frame's first piece.
    var thread: [Int32] = []
    /// Whether the last piece was left open by the file's end.
    var unfinished: [Bool] = []
    /// The stitched span of each input span of a task lane, or -1.
    var stitchedOfInput: [Int32]

    /// One asyncio task: its track (input lane) and where its steps start in `jobs`.
    struct Task {
        var lane: Int
        var firstSpan: Int32
    }
    var tasks: [Task] = []

    /// One step as an executor job: task index, input thread index, enqueued, started, ended.
    var jobs: [(task: Int32, thread: Int32, enqueued: Int64, started: Int64, ended: Int64)] = []

    /// How close to its parent's end a child must end to be counted as suspended with it. A
    /// suspending coroutine's frames return within a microsecond of one another.
    static let suspensionSlack: Int64 = 50_000

    /// Names of functions seen resumed: open at the end of a step and again the first frame at
    /// the same depth of the task's next step. Only their frames can be suspended; a call that
    /// merely returned just before its coroutine awaited a future (`gather`, `run_in_executor`)
    /// is not mistaken for one.
    private var resumable = Set<UInt32>()

    init(trace: Trace, tracks: AsyncioTaskTracks, names: inout AsyncioNameCatalog) {
        stitchedOfInput = [Int32](repeating: -1, count: trace.spanCount)
        for track in tracks.tracks { findResumable(track, trace) }
        var loopTiming = AsyncioLoopTiming()
        for track in tracks.tracks {
            stitch(track, trace, &names, &loopTiming)
        }
    }

    private mutating func findResumable(_ track: AsyncioTaskTracks.Track, _ trace: Trace) {
        for (previous, next) in zip(track.steps, track.steps.dropFirst()) {
            var open = Int(previous)
            var resumed = Int(next)
            while let last = trace.children(ofSpan: open).last,
                  trace.spanEnd[Int(last)] &+ Self.suspensionSlack >= trace.spanEnd[open],
                  let first = trace.children(ofSpan: resumed).first,
                  trace.spanName[Int(last)] == trace.spanName[Int(first)] {
                resumable.insert(trace.spanName[Int(last)])
                open = Int(last)
                resumed = Int(first)
            }
        }
    }

    private mutating func stitch(
        _ track: AsyncioTaskTracks.Track, _ trace: Trace, _ names: inout AsyncioNameCatalog,
        _ loopTiming: inout AsyncioLoopTiming
    ) {
        var chain: [Int32] = []  // stitched frames open at the end of the previous step, root first
        var firstCallOfTask: UInt32? = nil
        var previousEnd = Int64.min
        var stack: [(piece: Int32, parent: Int32, depth: Int, mayResume: Bool)] = []
        for (position, step32) in track.steps.enumerated() {
            let step = Int(step32)
            let stepName = trace.spanName[step]
            let firstChild = trace.children(ofSpan: step).first
            let firstCall = firstChild.map { trace.spanName[Int($0)] }
            var resumes = !chain.isEmpty && name[Int(chain[0])] == stepName
            if resumes, chain.count >= 2, firstCall != name[Int(chain[1])], firstCall == firstCallOfTask {
                resumes = false  // another task at the same address, starting as this one did
            }
            let loopThread = trace.spanThread[Int(track.containers[position])]
            let root: Int32
            if resumes {
                root = chain[0]
                extend(root, with: step, trace)
            } else {
                tasks.append(Task(lane: track.lane, firstSpan: Int32(begin.count)))
                root = add(step, parent: -1, thread: loopThread, trace)
                firstCallOfTask = firstCall
                chain = [root]
            }
            stitchedOfInput[step] = root
            let taskIndex = Int32(tasks.count - 1)
            let started = trace.spanBegin[step]
            let enqueued = max(min(loopTiming.readyTime(container: track.containers[position], stepBegin: started, trace, &names), started),
                               min(previousEnd, started))
            jobs.append((taskIndex, loopThread, enqueued, started, trace.spanEnd[step]))
            previousEnd = trace.spanEnd[step]

            // Children, depth first in begin order (an explicit stack: hostile nesting is deep).
            let children = trace.children(ofSpan: step)
            for (offset, child) in children.enumerated().reversed() {
                stack.append((child, root, 1, resumes && offset == 0))
            }
            while let (piece32, parentSpan, depth, mayResume) = stack.popLast() {
                let piece = Int(piece32)
                let target: Int32
                let resumed = mayResume && depth < chain.count && name[Int(chain[depth])] == trace.spanName[piece]
                if resumed {
                    target = chain[depth]
                    extend(target, with: piece, trace)
                } else {
                    target = add(piece, parent: parentSpan, thread: loopThread, trace)
                }
                stitchedOfInput[piece] = target
                let grandchildren = trace.children(ofSpan: piece)
                for (offset, child) in grandchildren.enumerated().reversed() {
                    stack.append((child, target, depth + 1, resumed && offset == 0))
                }
            }

            // The frames still open when the step ended: the chain the next step may resume.
            chain.removeAll(keepingCapacity: true)
            chain.append(root)
            var frame = step
            while let last = trace.children(ofSpan: frame).last,
                  trace.spanEnd[Int(last)] &+ Self.suspensionSlack >= trace.spanEnd[frame],
                  resumable.contains(trace.spanName[Int(last)]) {
                chain.append(stitchedOfInput[Int(last)])
                frame = Int(last)
            }
        }
    }

    private mutating func add(_ span: Int, parent: Int32, thread: Int32, _ trace: Trace) -> Int32 {
        begin.append(trace.spanBegin[span])
        end.append(trace.spanEnd[span])
        name.append(trace.spanName[span])
        self.parent.append(parent)
        pieces.append(1)
        task.append(Int32(tasks.count - 1))
        self.thread.append(thread)
        unfinished.append(trace.spanStatus[span] == .unfinished)
        return Int32(begin.count - 1)
    }

    private mutating func extend(_ stitched: Int32, with span: Int, _ trace: Trace) {
        let index = Int(stitched)
        end[index] = max(end[index], trace.spanEnd[span])
        pieces[index] += 1
        unfinished[index] = trace.spanStatus[span] == .unfinished
    }

    /// The kind of stitched span `index`.
    func kind(_ index: Int) -> SpanKind {
        if parent[index] < 0 { return .handler }
        return pieces[index] >= 2 ? .async : .sync
    }
}
