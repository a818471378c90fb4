import LanesModel
import LanesWriter

/// Encodes a whole in-memory `Trace` as a `.lanes` file (for `lanes convert` and tests).
///
/// Each thread becomes one writer whose events are in time order; span ids are given out in
/// consecutive blocks per writer, so that no event needs an explicit id. Reading the result
/// gives back an equal `Trace`.
public enum LanesTraceWriter {
    /// The file's bytes.
    public static func encode(_ trace: Trace) -> [UInt8] {
        let metadata = trace.metadata
        var output = RecordFraming.preamble(
            processName: metadata.processName, processID: metadata.processID, clockAtStart: metadata.clockAtStart,
            unixNanosecondsAtClock: metadata.unixNanosecondsAtClock)

        // Strings: file id = trace string index (0 is the empty string in both), then task
        // names and strings inside composite attribute values that the table lacks.
        var strings = trace.strings.strings
        var extraStringIDs: [String: Int] = [:]
        func addExtra(_ text: String) {
            guard trace.strings.index(of: text) == nil, extraStringIDs[text] == nil else { return }
            extraStringIDs[text] = strings.count
            strings.append(text)
        }
        for task in trace.tasks where !task.name.isEmpty { addExtra(task.name) }
        for value in trace.telemetry.values { value.forEachString(addExtra) }
        output.append(contentsOf: RecordFraming.strings(firstID: 1, strings.dropFirst()))
        let writing = TraceEventWriting(trace: trace) { text in
            trace.strings.index(of: text) ?? UInt32(extraStringIDs[text] ?? 0)
        }
        output.append(contentsOf: writing.resourceAndScopeRecords())
        // Threads: writer w + 1 is thread w; the writer after the last holds spans of unknown thread.
        for (index, thread) in trace.threads.enumerated() {
            output.append(contentsOf: RecordFraming.thread(
                writerID: UInt32(index + 1), threadID: thread.id, name: thread.name, isExecutor: thread.isExecutor))
        }
        // Tasks, in the trace's order.
        output.append(contentsOf: RecordFraming.tasks(trace.tasks.indices.map { index in
            let task = trace.tasks[index]
            let name = task.name.isEmpty ? 0 : (trace.strings.index(of: task.name).map(Int.init) ?? extraStringIDs[task.name] ?? 0)
            let parent = trace.tasks.parent(ofTask: index).map { trace.tasks.id(ofTask: $0) } ?? 0
            return (task.id, UInt32(name), parent)
        }))
        if let capture = metadata.jobCapture {
            output.append(contentsOf: RecordFraming.jobCapture(capture))
        }
        if let watchdog = metadata.watchdog {
            output.append(contentsOf: RecordFraming.watchdog(watchdog))
        }
        if metadata.droppedEvents > 0 {
            output.append(contentsOf: RecordFraming.dropped(writerID: 0, count: metadata.droppedEvents, time: trace.endTime))
        }

        let writerCount = trace.threads.count + 1
        func writerIndex(ofThread thread: Int32) -> Int { thread >= 0 && Int(thread) < trace.threads.count ? Int(thread) : writerCount - 1 }

        // Spans per writer, in (begin, index) order; ids in consecutive blocks per writer.
        var spansOfWriter = [[Int32]](repeating: [], count: writerCount)
        for span in 0..<trace.spanCount { spansOfWriter[writerIndex(ofThread: trace.spanThread[span])].append(Int32(span)) }
        for writer in 0..<writerCount {
            spansOfWriter[writer].sort { (trace.spanBegin[Int($0)], $0) < (trace.spanBegin[Int($1)], $1) }
        }
        var fileID = [UInt64](repeating: 0, count: trace.spanCount)
        var nextID: UInt64 = 1
        for writer in 0..<writerCount {
            for span in spansOfWriter[writer] {
                fileID[Int(span)] = nextID
                nextID += 1
            }
        }
        var slicesOfWriter = [[Int32]](repeating: [], count: writerCount)
        for (index, slice) in trace.slices.enumerated() { slicesOfWriter[writerIndex(ofThread: slice.thread)].append(Int32(index)) }

        var chunkOffsets: [Int] = []
        for writer in 0..<writerCount {
            let spans = spansOfWriter[writer]
            let slices = slicesOfWriter[writer]
            guard !spans.isEmpty || !slices.isEmpty else { continue }
            // Events: (time, order, span or slice). Begins sort before ends at equal times, and
            // begins keep span order, so the reader rebuilds the same order.
            var events: [(time: Int64, order: UInt8, item: Int32)] = []
            events.reserveCapacity(spans.count * 2 + slices.count)
            for span in spans {
                let instantOnly = writing.isInstantOnly(Int(span))
                events.append((trace.spanBegin[Int(span)], instantOnly ? 2 : 0, span))
                if !instantOnly { events.append((trace.spanEnd[Int(span)], 3, span)) }
            }
            for slice in slices { events.append((trace.slices[Int(slice)].ended, 4, slice)) }
            events.sort { ($0.time, $0.order == 3 ? 1 : 0, $0.item, $0.order) < ($1.time, $1.order == 3 ? 1 : 0, $1.item, $1.order) }

            var sequence: UInt64 = 0
            var encoder = LanesChunkEncoder(writerID: UInt32(writer + 1), sequence: sequence, baseTime: events.first?.time ?? 0)
            func flushChunk(nextTime: Int64) {
                guard !encoder.isEmpty else { return }
                chunkOffsets.append(output.count)
                encoder.chunk().appendFramedRecord(to: &output)
                sequence += 1
                encoder.reset(sequence: sequence, baseTime: nextTime)
            }
            for event in events {
                if encoder.byteCount >= LanesFileLayout.preferredChunkPayload { flushChunk(nextTime: event.time) }
                let item = Int(event.item)
                switch event.order {
                case 0, 2:
                    let parent = trace.spanParent[item]
                    writing.writeStart(
                        ofSpan: item, as: fileID[item], parent: parent >= 0 ? fileID[Int(parent)] : 0,
                        task: trace.tasks[Int(trace.spanTask[item])].id, time: event.time, to: &encoder)
                case 3:
                    writing.writeEnd(ofSpan: item, as: fileID[item], time: event.time, to: &encoder)
                default:
                    let slice = trace.slices[item]
                    encoder.job(task: trace.tasks[Int(slice.task)].id, enqueued: slice.enqueued, started: slice.started, ended: slice.ended)
                }
            }
            flushChunk(nextTime: 0)
        }

        appendSampling(of: trace, writerID: UInt32(writerCount + 1), to: &output, chunkOffsets: &chunkOffsets)
        output.append(contentsOf: RecordFraming.footer(chunkOffsets: chunkOffsets, endTime: trace.endTime))
        return output
    }

    /// The watchdog's images, stacks, symbols and samples (the samples in a writer of their own,
    /// as a recorder's watchdog thread writes them).
    private static func appendSampling(of trace: Trace, writerID: UInt32, to output: inout [UInt8], chunkOffsets: inout [Int]) {
        let sampling = trace.sampling
        if !sampling.images.isEmpty {
            output.append(contentsOf: RecordFraming.images(sampling.images))
        }
        let stacks = sampling.stacks
        if stacks.count > 0 {
            // The table keeps return addresses minus one; the file keeps them as sampled.
            let sampledStacks = (0..<stacks.count).map { stack in
                stacks.frames(ofStack: stack).enumerated().map { position, frame in
                    position == 0 ? stacks.addresses[Int(frame)] : stacks.addresses[Int(frame)] &+ 1
                }
            }
            output.append(contentsOf: RecordFraming.stacks(firstID: 1, sampledStacks))
        }
        if let symbols = RecordFraming.symbols(of: sampling) {
            output.append(contentsOf: symbols)
        }
        guard !sampling.samples.isEmpty else { return }
        var sequence: UInt64 = 0
        var encoder = LanesChunkEncoder(writerID: writerID, sequence: 0, baseTime: sampling.samples[0].time)
        for sample in sampling.samples {
            if encoder.byteCount >= LanesFileLayout.preferredChunkPayload {
                chunkOffsets.append(output.count)
                encoder.chunk().appendFramedRecord(to: &output)
                sequence += 1
                encoder.reset(sequence: sequence, baseTime: sample.time)
            }
            let thread = sample.thread >= 0 && Int(sample.thread) < trace.threads.count ? trace.threads[Int(sample.thread)].id : 0
            let task = sample.task >= 0 && Int(sample.task) < trace.tasks.count ? trace.tasks.id(ofTask: Int(sample.task)) : 0
            encoder.sample(
                thread: thread, task: task, time: sample.time, jobStarted: sample.jobStarted, state: sample.state,
                flags: sample.flags.rawValue, cpuNanoseconds: sample.cpuNanoseconds,
                runQueueNanoseconds: sample.runQueueNanoseconds, stack: sample.stack >= 0 ? UInt64(sample.stack) + 1 : 0)
        }
        chunkOffsets.append(output.count)
        encoder.chunk().appendFramedRecord(to: &output)
    }
}
