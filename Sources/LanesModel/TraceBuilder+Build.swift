extension TraceBuilder {
    /// Builds the sorted, indexed trace.
    public func build() -> Trace {
        var taskIDs = self.taskIDs
        var taskNames = self.taskNames
        var strings = self.strings
        var spans = self.spans
        // Every span needs a lane; spans whose task is unknown go to a lane of their own.
        let laneCount = taskIDs.count
        if spans.buffer(spans.storage.task).contains(where: { $0 < 0 || Int($0) >= laneCount }) {
            let orphanLane = Int32(laneCount)
            taskIDs.append(UInt64.max)
            taskNames.append(strings.intern("(no task)"))
            for index in 0..<spans.count where spans.task(index) < 0 || spans.task(index) >= orphanLane {
                spans.setTask(orphanLane, of: index)
            }
        }
        var columns = SpanColumns(spans, laneCount: taskIDs.count)
        let newIndexOfOld = columns.newIndexOfOld
        var spanParent = columns.parent
        columns.parent = []  // The only reference left: cycles are broken in place, not in a copy.
        Self.breakParentCycles(&spanParent)
        let (childStart, children, roots) = Self.childIndex(parents: spanParent, begins: columns.begin)

        var cpuPairs = cpu.map { (span: newIndexOfOld[Int($0.span)], nanoseconds: $0.nanoseconds) }
        cpuPairs.sort { $0.span < $1.span }
        var attributes = attributeList.map {
            SpanAttribute(span: newIndexOfOld[Int($0.span)], key: $0.key, value: $0.value)
        }
        attributes = attributes.enumerated().sorted {
            ($0.element.span, $0.offset) < ($1.element.span, $1.offset)
        }.map(\.element)

        let (slices, sliceRanges, sortedPosition) = Self.sortSlices(sliceList, taskCount: taskIDs.count)
        let slicesByThread = Self.slicesByThread(sliceList, sortedPosition: sortedPosition, threadCount: threads.count)

        var startTime = columns.earliestBegin
        var endTime = columns.latestEnd
        for slice in slices {
            startTime = min(startTime, slice.enqueued)
            endTime = max(endTime, slice.ended)
        }
        if startTime > endTime { startTime = 0; endTime = 0 }

        var metadata = self.metadata
        metadata.hasTaskStates = metadata.hasTaskStates || !slices.isEmpty
        return Trace(
            metadata: metadata, strings: strings, threads: threads,
            tasks: TaskTable(ids: taskIDs, names: taskNames, strings: strings),
            spanBegin: columns.begin, spanEnd: columns.end, spanName: columns.name, spanParent: spanParent,
            spanTask: columns.task, spanThread: columns.thread, spanTraits: columns.traits,
            laneRanges: columns.laneRanges, laneLongestSpan: columns.laneLongestSpan,
            childStart: childStart, children: children, roots: roots,
            cpuSpans: cpuPairs.map(\.span), cpuNanoseconds: cpuPairs.map(\.nanoseconds),
            attributes: attributes,
            slices: slices, sliceRanges: sliceRanges, slicesByThread: slicesByThread,
            startTime: startTime, endTime: endTime)
    }
}
