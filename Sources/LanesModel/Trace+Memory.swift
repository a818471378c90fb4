/// How much memory a loaded trace holds.
extension Trace {
    /// Bytes held by the trace's arrays (their capacities, not only their counts) and strings.
    /// Used to check the memory budget per span; excludes allocator overhead.
    public var memoryFootprint: Int {
        func bytes<T>(_ array: [T]) -> Int { array.capacity * MemoryLayout<T>.stride }
        var total = bytes(spanBegin) + bytes(spanEnd) + bytes(spanName) + bytes(spanParent)
            + bytes(spanTask) + bytes(spanThread) + bytes(spanTraits)
            + bytes(laneRanges.boundaries) + bytes(laneLongestSpan) + bytes(childStart) + bytes(children) + bytes(roots)
            + bytes(cpuSpans) + bytes(cpuNanoseconds) + bytes(attributes)
            + bytes(slices) + bytes(sliceRanges.boundaries) + bytes(slicesByThread)
            + bytes(threads) + tasks.memoryFootprint + sampling.memoryFootprint
            + bytes(telemetry.spans) + bytes(telemetry.spanFacts) + bytes(telemetry.events) + bytes(telemetry.links)
            + bytes(telemetry.attributes) + bytes(telemetry.values) + bytes(telemetry.resources) + bytes(telemetry.scopes)
        for string in strings.strings { total += string.utf8.count + 16 }
        total += strings.count * 24  // the index dictionary, roughly
        return total
    }
}
