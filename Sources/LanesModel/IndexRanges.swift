/// Consecutive ranges of indexes, one per lane, stored as their boundaries: range `i` is
/// `boundaries[i] ..< boundaries[i + 1]`. Half the memory of an array of ranges, which matters
/// when a trace has hundreds of thousands of tasks.
public struct IndexRanges: RandomAccessCollection, Sendable, Equatable {
    /// `count + 1` ascending boundaries.
    public let boundaries: [Int32]

    /// Ranges with the given boundaries (ascending; one more than the number of ranges).
    public init(boundaries: [Int32]) {
        self.boundaries = boundaries.isEmpty ? [0] : boundaries
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { boundaries.count - 1 }

    public subscript(position: Int) -> Range<Int32> {
        boundaries[position]..<boundaries[position + 1]
    }
}
