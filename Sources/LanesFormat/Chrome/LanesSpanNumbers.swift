/// Builder indexes by `lanes.span` number: an array for the dense numbers Lanes writes
/// (0 ..< span count), a dictionary for anything else.
struct LanesSpanNumbers {
    private var dense: [Int32]
    private var sparse: [Int64: Int32] = [:]
    private(set) var isEmpty = true

    init(capacity: Int) {
        dense = [Int32](repeating: -1, count: capacity)
    }

    subscript(number: Int64) -> Int32? {
        get {
            if number >= 0, number < Int64(dense.count) { return dense[Int(number)] >= 0 ? dense[Int(number)] : nil }
            return sparse[number]
        }
        set {
            isEmpty = false
            if number >= 0, number < Int64(dense.count) { dense[Int(number)] = newValue ?? -1 } else { sparse[number] = newValue }
        }
    }
}
