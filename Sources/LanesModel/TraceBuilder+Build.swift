extension TraceBuilder {
    /// Below this many task-state slices, sorting them on another thread costs more than it saves.
    static let concurrentSliceSortMinimum = 50_000

    /// Builds the sorted, indexed trace.
    public func build() -> Trace {
        var taskIDs = self.taskIDs
        var taskNames = self.taskNames
        var taskParents = self.taskParents
        var strings = self.strings
        var spans = self.spans
        // Every span needs a lane; spans whose task is unknown go to a lane of their own.
        let laneCount = taskIDs.count
        if spans.buffer(spans.storage.task).contains(where: { $0 < 0 || Int($0) >= laneCount }) {
            let orphanLane = Int32(laneCount)
            taskIDs.append(UInt64.max)
            taskNames.append(strings.intern("(no task)"))
            taskParents.append(-1)
            for index in 0..<spans.count where spans.task(index) < 0 || spans.task(index) >= orphanLane {
                spans.setTask(orphanLane, of: index)
            }
        }
        // Slices share nothing with spans: a large trace sorts them on another thread meanwhile.
        let sliceList = self.sliceList
        let taskCount = taskIDs.count
        let threadCount = threads.count
        let sortAllSlices = { @Sendable in
            let (slices, ranges, sortedPosition) = Self.sortSlices(sliceList, taskCount: taskCount)
            let byThread = Self.slicesByThread(sliceList, sortedPosition: sortedPosition, threadCount: threadCount)
            var earliest = Int64.max
            var latest = Int64.min
            for slice in slices {
                earliest = min(earliest, slice.enqueued)
                latest = max(latest, slice.ended)
            }
            return (slices, ranges, byThread, earliest, latest)
        }
        let moveSpans = {
            var columns = SpanColumns(spans, laneCount: taskCount)
            var spanParent = columns.parent
            columns.parent = []  // The only reference left: cycles are broken in place, not in a copy.
            Self.breakParentCycles(&spanParent)
            let (childStart, children, roots) = Self.childIndex(parents: spanParent, begins: columns.begin)
            return (columns, spanParent, childStart, children, roots)
        }
        let (sortedSlices, spanIndexes) = sliceList.count >= Self.concurrentSliceSortMinimum
            ? concurrently(sortAllSlices, moveSpans) : (sortAllSlices(), moveSpans())
        let (slices, sliceRanges, slicesByThread, earliestSlice, latestSlice) = sortedSlices
        let (columns, spanParent, childStart, children, roots) = spanIndexes
        let newIndexOfOld = columns.newIndexOfOld

        var cpuPairs = cpu.map { (span: newIndexOfOld[Int($0.span)], nanoseconds: $0.nanoseconds) }
        cpuPairs.sort { $0.span < $1.span }
        var attributes = attributeList.map {
            SpanAttribute(span: newIndexOfOld[Int($0.span)], key: $0.key, value: $0.value)
        }
        // Readers add a span's attributes with the span, so they are usually in order already.
        if zip(attributes, attributes.dropFirst()).contains(where: { $0.span > $1.span }) {
            attributes = attributes.enumerated().sorted {
                ($0.element.span, $0.offset) < ($1.element.span, $1.offset)
            }.map(\.element)
        }
        let telemetry = self.telemetry.build(newIndexOfOld: newIndexOfOld)

        let counters = Self.sortedCounters(counterList)
        let earliestSample = counters.lazy.compactMap(\.times.first).min() ?? .max
        let latestSample = counters.lazy.compactMap(\.times.last).max() ?? .min
        var startTime = min(columns.earliestBegin, earliestSlice, earliestSample)
        var endTime = max(columns.latestEnd, latestSlice, latestSample)
        if startTime > endTime { startTime = 0; endTime = 0 }

        Self.breakParentCycles(&taskParents)

        var metadata = self.metadata
        metadata.hasTaskStates = metadata.hasTaskStates || !slices.isEmpty
        var trace = Trace(
            metadata: metadata, strings: strings, threads: threads,
            tasks: TaskTable(ids: taskIDs, names: taskNames, parents: taskParents, strings: strings),
            spanBegin: columns.begin, spanEnd: columns.end, spanName: columns.name, spanParent: spanParent,
            spanTask: columns.task, spanThread: columns.thread, spanTraits: columns.traits,
            laneRanges: columns.laneRanges, laneLongestSpan: columns.laneLongestSpan,
            childStart: childStart, children: children, roots: roots,
            cpuSpans: cpuPairs.map(\.span), cpuNanoseconds: cpuPairs.map(\.nanoseconds),
            attributes: attributes,
            slices: slices, sliceRanges: sliceRanges, slicesByThread: slicesByThread,
            sampling: sampling.build(),
            startTime: startTime, endTime: endTime, telemetry: telemetry)
        trace.counters = counters
        trace.totals = totals
        return trace
    }

    /// Each series' samples in time order (a stable sort, so equal times keep file order).
    static func sortedCounters(_ list: [CounterSeries]) -> [CounterSeries] {
        list.map { series in
            var ordered = true
            for index in series.times.indices.dropFirst() where series.times[index] < series.times[index - 1] {
                ordered = false
                break
            }
            guard !ordered else { return series }
            let order = series.times.indices.sorted { (series.times[$0], $0) < (series.times[$1], $1) }
            return CounterSeries(name: series.name, key: series.key, times: order.map { series.times[$0] }, values: order.map { series.values[$0] })
        }
    }
}
