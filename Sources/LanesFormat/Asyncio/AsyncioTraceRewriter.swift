import LanesModel

/// Builds the rewritten trace from the stitched task spans and the other lanes as they were.
struct AsyncioTraceRewriter {
    private let trace: Trace
    private let tracks: AsyncioTaskTracks
    private var names: AsyncioNameCatalog
    private var builder: TraceBuilder
    /// Per input string: the output name (+1; 0 when not yet interned).
    private var outputName: [UInt32]
    /// Per input string: the interned file path and line of a Python frame (0 when none).
    private var outputFile: [UInt32]
    private var outputLine: [UInt32]
    private var functionKey: UInt32 = 0
    private var filePathKey: UInt32 = 0
    private var lineKey: UInt32 = 0

    init(trace: Trace, tracks: AsyncioTaskTracks, names: AsyncioNameCatalog) {
        self.trace = trace
        self.tracks = tracks
        self.names = names
        var metadata = trace.metadata
        metadata.runtime = .asyncio
        builder = TraceBuilder(metadata: metadata)
        outputName = [UInt32](repeating: 0, count: trace.strings.count)
        outputFile = [UInt32](repeating: 0, count: trace.strings.count)
        outputLine = [UInt32](repeating: 0, count: trace.strings.count)
    }

    mutating func build(_ stitched: AsyncioStepStitcher) -> Trace {
        functionKey = builder.intern(CodeLocation.functionKey)
        filePathKey = builder.intern(CodeLocation.filePathKey)
        lineKey = builder.intern(CodeLocation.lineKey)
        builder.reserveSpans(trace.spanCount)

        // Threads: every real thread; the tasks' made-up threads go. A loop's thread is an
        // executor one thread wide.
        var isTrackLane = [Bool](repeating: false, count: trace.laneRanges.count)
        var trackThreads = Set<Int32>()
        for track in tracks.tracks {
            isTrackLane[track.lane] = true
            trackThreads.insert(trace.spanThread[Int(trace.laneRanges[track.lane].lowerBound)])
        }
        var loopThreads = Set<Int32>()
        for job in stitched.jobs { loopThreads.insert(job.thread) }
        var threadMap = [Int32](repeating: -1, count: trace.threads.count)
        for (index, info) in trace.threads.enumerated() where !trackThreads.contains(Int32(index)) {
            threadMap[index] = builder.thread(
                id: info.id, name: info.name, isExecutor: info.isExecutor || loopThreads.contains(Int32(index)))
        }

        // Lanes: the tasks first, in the order they started, then the threads' lanes as they were.
        var taskOfStitched: [Int32] = []
        for (index, task) in stitched.tasks.enumerated() {
            let laneName = trace.tasks[task.lane].name
            let coroutine = names.entry(trace.spanName[Int(trace.laneRanges[task.lane].lowerBound)]).function
            let isFirstOnTrack = index == 0 || stitched.tasks[index - 1].lane != task.lane
            let id = UInt64(1) << 48 | UInt64(index)
            taskOfStitched.append(builder.addNewTask(id: id, name: isFirstOnTrack && !laneName.isEmpty ? laneName : coroutine))
        }
        var laneTask = [Int32](repeating: -1, count: trace.laneRanges.count)
        for lane in 0..<trace.laneRanges.count where !isTrackLane[lane] && !trace.laneRanges[lane].isEmpty {
            laneTask[lane] = builder.addNewTask(id: trace.tasks.id(ofTask: lane), name: trace.tasks[lane].name)
        }

        // Stitched task spans, in their own order (begin order within each task).
        var outputOfInput = [Int32](repeating: -1, count: trace.spanCount)
        let stitchedBase = Int32(builder.spanCount)
        for index in 0..<stitched.begin.count {
            let kind = stitched.kind(index)
            let parent = stitched.parent[index]
            let span = builder.addSpan(
                name: name(stitched.name[index]), kind: kind, begin: stitched.begin[index], end: stitched.end[index],
                parent: parent < 0 ? -1 : stitchedBase + parent, task: taskOfStitched[Int(stitched.task[index])],
                thread: threadMap[Int(stitched.thread[index])],
                status: stitched.unfinished[index] ? .unfinished : .ok, flags: kind == .sync ? .onExecutor : [])
            addLocation(of: stitched.name[index], to: span)
        }
        for span in 0..<trace.spanCount where stitched.stitchedOfInput[span] >= 0 {
            outputOfInput[span] = stitchedBase + stitched.stitchedOfInput[span]
        }

        // The other lanes, span for span.
        for lane in 0..<trace.laneRanges.count where laneTask[lane] >= 0 {
            for span in Int(trace.laneRanges[lane].lowerBound)..<Int(trace.laneRanges[lane].upperBound) {
                let parent = Int(trace.spanParent[span])
                let thread = Int(trace.spanThread[span])
                let output = builder.addSpan(
                    name: name(trace.spanName[span]), traits: SpanTraits(rawValue: trace.spanTraits[span]),
                    begin: trace.spanBegin[span], end: trace.spanEnd[span],
                    parent: parent >= 0 ? outputOfInput[parent] : -1, task: laneTask[lane],
                    thread: thread >= 0 && thread < threadMap.count ? threadMap[thread] : -1)
                outputOfInput[span] = output
                addLocation(of: trace.spanName[span], to: output)
            }
        }
        // Parents of the other lanes were set from spans added earlier; a parent added later
        // (it began at the same time and sorted after) is fixed here.
        for lane in 0..<trace.laneRanges.count where laneTask[lane] >= 0 {
            for span in Int(trace.laneRanges[lane].lowerBound)..<Int(trace.laneRanges[lane].upperBound) {
                let parent = Int(trace.spanParent[span])
                if parent >= 0, parent > span { builder.setParent(of: outputOfInput[span], to: outputOfInput[parent]) }
            }
        }

        for attribute in trace.attributes where outputOfInput[Int(attribute.span)] >= 0 {
            builder.addAttribute(
                to: outputOfInput[Int(attribute.span)],
                key: builder.intern(trace.strings[attribute.key]), value: builder.store(trace.value(of: attribute.value)))
        }
        for (position, span) in trace.cpuSpans.enumerated() where stitched.stitchedOfInput[Int(span)] < 0 {
            builder.setCPUTime(of: outputOfInput[Int(span)], nanoseconds: trace.cpuNanoseconds[position])
        }
        builder.reserveSlices(stitched.jobs.count)
        for job in stitched.jobs {
            builder.addSlice(
                task: taskOfStitched[Int(job.task)], thread: threadMap[Int(job.thread)],
                enqueued: job.enqueued, started: job.started, ended: job.ended)
        }
        return builder.build()
    }

    /// The output name of input string `input`: the function without viztracer's location.
    private mutating func name(_ input: UInt32) -> UInt32 {
        let index = Int(input)
        guard index < outputName.count else { return 0 }
        if outputName[index] == 0 {
            let entry = names.entry(input)
            outputName[index] = builder.intern(entry.function) + 1
            if entry.isPythonFrame {
                outputFile[index] = builder.intern(entry.file)
                outputLine[index] = builder.intern(String(entry.line))
            }
        }
        return outputName[index] - 1
    }

    /// Stores the code location of a Python frame named `input` on output span `span`.
    private mutating func addLocation(of input: UInt32, to span: Int32) {
        let index = Int(input)
        guard index < outputFile.count, outputFile[index] != 0 else { return }
        builder.addAttribute(to: span, keyString: functionKey, valueString: outputName[index] - 1)
        builder.addAttribute(to: span, keyString: filePathKey, valueString: outputFile[index])
        builder.addAttribute(to: span, keyString: lineKey, valueString: outputLine[index])
    }
}
