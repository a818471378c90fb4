import Testing
@testable import LanesAnalysis

@Suite struct RadixSortTests {
    @Test func sortsLikeTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        for width in [1, 7, 13, 40, 64] {
            Self.expectSortedLikeTheStandardLibrary((0..<1000).map { _ in
                UInt64.random(in: 0...UInt64.max, using: &generator) >> UInt64(64 - width)
            })
        }
    }

    /// Both sorts give the standard library's order for `keys`, and `sortedOrder` is stable:
    /// equal keys keep their index order.
    static func expectSortedLikeTheStandardLibrary(_ keys: [UInt64], sourceLocation: SourceLocation = #_sourceLocation) {
        var sorted = keys
        RadixSort.sort(&sorted)
        #expect(sorted == keys.sorted(), sourceLocation: sourceLocation)
        let order = RadixSort.sortedOrder(of: keys)
        #expect(order.map { keys[Int($0)] } == keys.sorted(), sourceLocation: sourceLocation)
        for position in order.indices.dropFirst() where keys[Int(order[position])] == keys[Int(order[position - 1])] {
            #expect(order[position] > order[position - 1], sourceLocation: sourceLocation)
        }
    }

    /// A pass whose digit is the same in every key leaves the order as it is and is skipped; the
    /// passes around it still sort (keys with a constant middle, constant low bits, all equal).
    @Test func passesOverAConstantDigitAreSkippedCorrectly() {
        var generator = SystemRandomNumberGenerator()
        let shapes: [[UInt64]] = [
            (0..<1000).map { _ in UInt64.random(in: 0..<4096, using: &generator) << 24 | 0xABC << 12 | UInt64.random(in: 0..<4096, using: &generator) },
            (0..<1000).map { _ in UInt64.random(in: 0..<(1 << 30), using: &generator) << 12 | 0x7 },
            Array(repeating: 0xDEAD_BEEF, count: 100),
            (0..<1000).map { index in UInt64(index % 3) << 40 },
        ]
        for keys in shapes { Self.expectSortedLikeTheStandardLibrary(keys) }
    }

    @Test func allZeroKeysAreAlreadySorted() {
        // Instants only: every duration is 0. This divided by zero before.
        var keys: [UInt64] = [0, 0, 0]
        RadixSort.sort(&keys)
        #expect(keys == [0, 0, 0])
        #expect(RadixSort.sortedOrder(of: [0, 0]) == [0, 1])
    }
}
