import Testing
@testable import LanesModel

@Suite("Compact trace storage")
struct CompactTraceTests {
    @Test("every kind, status and flag combination survives packing into one byte")
    func spanTraitsRoundTrip() {
        // The packing has 3 bits for the kind and 3 for the flags: a ninth kind or a fourth
        // flag must widen it (SpanTraits.swift).
        #expect(SpanKind.allCases.allSatisfy { $0.rawValue < 8 })
        for kind in SpanKind.allCases {
            for status in [SpanStatus.ok, .error, .unfinished] {
                for rawFlags in UInt8(0)..<8 {
                    let traits = SpanTraits(kind: kind, status: status, flags: SpanFlags(rawValue: rawFlags))
                    #expect(traits.kind == kind && traits.status == status && traits.flags.rawValue == rawFlags)
                }
            }
        }
    }

    @Test("duration bounds are exact below 2^31 ns and never below the duration above it")
    func durationBounds() {
        for duration: Int64 in [0, 1, 999, (1 << 31) - 1] {
            #expect(DurationBound.decode(DurationBound.encode(duration)) == duration)
        }
        for duration: Int64 in [1 << 31, (1 << 32) + 1, 10_000_000_000, 1 << 62, .max - 1, .max] {
            let bound = DurationBound.decode(DurationBound.encode(duration))
            #expect(bound >= duration)
            #expect(bound - duration <= 1 << 32 || bound == .max)
        }
        #expect(DurationBound.encode(-5) == 0)
    }

    @Test("a window search finds a span longer than 32 bits of nanoseconds")
    func longSpanIsFound() {
        var builder = TraceBuilder()
        let task = builder.task(id: 1)
        let name = builder.intern("long")
        builder.addSpan(name: name, kind: .async, begin: 0, end: 9_000_000_000, task: task)
        builder.addSpan(name: name, kind: .async, begin: 8_000_000_000, end: 8_000_000_001, task: task)
        let trace = builder.build()
        #expect(trace.spans(inLane: 0, overlapping: 8_999_999_000, 8_999_999_999) == [0])
    }

    @Test("tasks keep 64-bit ids and names, named or not")
    func taskTable() {
        var builder = TraceBuilder()
        let small = builder.task(id: 7, name: "seven")
        let large = builder.task(id: UInt64.max - 1)
        builder.setName(ofTask: large, to: "large")
        let unnamed = builder.task(id: 3)
        let name = builder.intern("s")
        for task in [small, large, unnamed] { builder.addSpan(name: name, kind: .sync, begin: 0, end: 1, task: task) }
        let trace = builder.build()
        #expect(trace.tasks.map(\.id) == [7, UInt64.max - 1, 3])
        #expect(trace.tasks.map(\.name) == ["seven", "large", ""])
        #expect(trace.name(ofTask: 2) == "task 3")
    }
}
