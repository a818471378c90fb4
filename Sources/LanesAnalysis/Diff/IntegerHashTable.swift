/// An open-addressing hash table from 64-bit keys to Int32 values: a few times faster than
/// `Dictionary` for the million lookups a diff makes.
struct IntegerHashTable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var occupied: [Bool]
    private var count = 0
    private var shift: UInt64

    init() {
        keys = [UInt64](repeating: 0, count: 64)
        values = [Int32](repeating: 0, count: 64)
        occupied = [Bool](repeating: false, count: 64)
        shift = 64 - 6
    }

    /// The value stored for `key`; when absent, stores `newValue` and returns it.
    mutating func value(forKey key: UInt64, insertingIfAbsent newValue: Int32) -> Int32 {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        let mask = keys.count - 1
        while occupied[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = newValue
        occupied[slot] = true
        count += 1
        if count * 2 > keys.count { grow() }
        return newValue
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let oldOccupied = occupied
        let capacity = keys.count * 2
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Int32](repeating: 0, count: capacity)
        occupied = [Bool](repeating: false, count: capacity)
        shift -= 1
        let mask = capacity - 1
        for index in oldKeys.indices where oldOccupied[index] {
            var slot = Int(truncatingIfNeeded: (oldKeys[index] &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while occupied[slot] { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[index]
            values[slot] = oldValues[index]
            occupied[slot] = true
        }
    }
}
