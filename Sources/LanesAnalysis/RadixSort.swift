/// Least-significant-digit radix sort of unsigned 64-bit keys in as few passes of at most 12 bits
/// as the largest key needs. Sorting millions of time-stamped events this way is several
/// times faster than a comparison sort, which keeps the analysis well inside its time budget.
enum RadixSort {
    static func sort(_ keys: inout [UInt64]) {
        guard keys.count > 1 else { return }
        var largest: UInt64 = 0
        for key in keys { largest |= key }
        let significantBits = 64 - largest.leadingZeroBitCount
        let passes = (significantBits + 11) / 12
        let bitsPerPass = max(1, (significantBits + passes - 1) / passes)
        let bucketCount = 1 << bitsPerPass
        let mask = UInt64(bucketCount - 1)
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var shift: UInt64 = 0
        var counts = [Int](repeating: 0, count: bucketCount)
        while shift < 64, (largest >> shift) != 0 {
            for index in counts.indices { counts[index] = 0 }
            keys.withUnsafeBufferPointer { source in
                for key in source { counts[Int((key >> shift) & mask)] += 1 }
            }
            var total = 0
            for index in counts.indices {
                let count = counts[index]
                counts[index] = total
                total += count
            }
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { destination in
                    counts.withUnsafeMutableBufferPointer { offsets in
                        for key in source {
                            let bucket = Int((key >> shift) & mask)
                            destination[offsets[bucket]] = key
                            offsets[bucket] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
            shift += UInt64(bitsPerPass)
        }
    }
}
