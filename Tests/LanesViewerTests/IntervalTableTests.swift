@testable import LanesViewer
import Testing

@Suite("Interval tables")
struct IntervalTableTests {
    func table(_ keys: [[(Int64, Int64)]]) -> IntervalTable {
        var table = IntervalTable()
        for key in keys {
            var intervals = key.map { (begin: $0.0, end: $0.1) }
            table.appendKey(&intervals)
        }
        return table
    }

    @Test("overlap queries agree with a brute-force check")
    func againstBruteForce() {
        var generator = SplitMix(seed: 7)
        for _ in 0..<200 {
            let intervals = (0..<Int(generator.next() % 12)).map { _ -> (Int64, Int64) in
                let begin = Int64(generator.next() % 100)
                return (begin, begin + Int64(generator.next() % 15))
            }
            let table = table([intervals])
            for _ in 0..<50 {
                let from = Int64(generator.next() % 120)
                let to = from + Int64(generator.next() % 10)
                let expected = intervals.contains { begin, end in
                    if begin == end { return from == to ? begin == from : (begin >= from && begin < to) }
                    if from == to { return begin <= from && from < end }
                    return begin < to && end > from
                }
                #expect(table.overlaps(key: 0, from: from, to: to) == expected, "intervals \(intervals) window \(from)..<\(to)")
            }
        }
    }

    @Test("keys are independent and unknown keys are empty")
    func keys() {
        let table = table([[(0, 10)], [], [(20, 30), (25, 40)]])
        #expect(table.keyCount == 3)
        #expect(table.overlaps(key: 0, from: 5, to: 6))
        #expect(!table.overlaps(key: 1, from: 0, to: 100))
        #expect(table.overlaps(key: 2, from: 35, to: 36))
        #expect(table.totalLength(key: 2) == 20)
        #expect(!table.overlaps(key: 3, from: 0, to: 100))
        #expect(!table.overlaps(key: -1, from: 0, to: 100))
    }
}

/// A small deterministic random generator for property-style tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
