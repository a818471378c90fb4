/// Least-significant-digit radix sort of unsigned 64-bit keys in as few passes of at most 12 bits
/// as the largest key needs. Sorting millions of time-stamped events this way is several
/// times faster than a comparison sort, which keeps the analysis well inside its time budget.
enum RadixSort {
    static func sort(_ keys: inout [UInt64]) {
        guard keys.count > 1, let digits = Digits(keys) else { return }
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var starts = digits.runStartsOfEveryPass(of: keys)
        for pass in 0..<digits.passes where !digits.isTrivial(pass: pass, count: keys.count, starts: starts) {
            let shift = UInt64(pass) &* digits.bitsPerPass
            keys.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { destination in
                    starts.withUnsafeMutableBufferPointer { starts in
                        let offsets = starts.baseAddress! + pass * digits.bucketCount
                        for key in source {
                            let bucket = digits.bucket(of: key, shift: shift)
                            destination[offsets[bucket]] = key
                            offsets[bucket] += 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
    }

    /// The indexes of `keys` in ascending key order; equal keys keep their index order (stable).
    static func sortedOrder(of keys: [UInt64]) -> [Int32] {
        var order = (0..<Int32(keys.count)).map { $0 }
        guard keys.count > 1, let digits = Digits(keys) else { return order }
        var currentKeys = keys
        var scratchKeys = [UInt64](repeating: 0, count: keys.count)
        var scratchOrder = [Int32](repeating: 0, count: keys.count)
        var starts = digits.runStartsOfEveryPass(of: keys)
        for pass in 0..<digits.passes where !digits.isTrivial(pass: pass, count: keys.count, starts: starts) {
            let shift = UInt64(pass) &* digits.bitsPerPass
            currentKeys.withUnsafeBufferPointer { sourceKeys in
                order.withUnsafeBufferPointer { sourceOrder in
                    scratchKeys.withUnsafeMutableBufferPointer { destinationKeys in
                        scratchOrder.withUnsafeMutableBufferPointer { destinationOrder in
                            starts.withUnsafeMutableBufferPointer { starts in
                                let offsets = starts.baseAddress! + pass * digits.bucketCount
                                for position in 0..<sourceKeys.count {
                                    let key = sourceKeys[position]
                                    let bucket = digits.bucket(of: key, shift: shift)
                                    destinationKeys[offsets[bucket]] = key
                                    destinationOrder[offsets[bucket]] = sourceOrder[position]
                                    offsets[bucket] += 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&currentKeys, &scratchKeys)
            swap(&order, &scratchOrder)
        }
        return order
    }

    /// The digits one sort works in: as few passes of at most 12 bits as the largest key needs.
    private struct Digits {
        let bitsPerPass: UInt64
        let mask: UInt64
        /// How many passes the largest key needs.
        let passes: Int

        /// Nil when every key is 0, which is already sorted.
        init?(_ keys: [UInt64]) {
            var largest: UInt64 = 0
            for key in keys { largest |= key }
            let significantBits = 64 - largest.leadingZeroBitCount
            guard significantBits > 0 else { return nil }
            let passes = (significantBits + 11) / 12
            let bits = max(1, (significantBits + passes - 1) / passes)
            self.bitsPerPass = UInt64(bits)
            self.mask = (1 << UInt64(bits)) - 1
            self.passes = (significantBits + bits - 1) / bits
        }

        var bucketCount: Int { Int(mask) + 1 }

        @inline(__always)
        func bucket(of key: UInt64, shift: UInt64) -> Int { Int((key >> shift) & mask) }

        /// For every pass, where the run of keys with each digit begins in that pass's output:
        /// `starts[pass * bucketCount + digit]`. One read of the keys counts every pass's digits
        /// (a pass's counts do not depend on the order the previous passes left).
        func runStartsOfEveryPass(of keys: [UInt64]) -> [Int] {
            var starts = [Int](repeating: 0, count: passes * bucketCount)
            starts.withUnsafeMutableBufferPointer { counts in
                keys.withUnsafeBufferPointer { source in
                    for key in source {
                        var shift: UInt64 = 0
                        var base = 0
                        for _ in 0..<passes {
                            counts[base + bucket(of: key, shift: shift)] += 1
                            shift &+= bitsPerPass
                            base &+= bucketCount
                        }
                    }
                }
                for pass in 0..<passes {
                    var total = 0
                    for index in pass * bucketCount..<(pass + 1) * bucketCount {
                        let count = counts[index]
                        counts[index] = total
                        total += count
                    }
                }
            }
            return starts
        }

        /// Whether every key has the same digit in `pass` (its run starts at 0 and the next
        /// one at `count`): the pass would leave the order as it is, so it is skipped.
        func isTrivial(pass: Int, count: Int, starts: [Int]) -> Bool {
            let base = pass * bucketCount
            var digit = 0
            while digit < bucketCount, starts[base + digit] == 0 { digit += 1 }
            // `digit` is the first non-empty run's successor: every run before it is empty.
            return digit == bucketCount || starts[base + digit] == count
        }
    }
}
