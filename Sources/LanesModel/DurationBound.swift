/// An upper bound on a duration in 32 bits, for the per-lane longest span that window searches
/// start from: a trace with a lane per few spans saves 4 bytes a lane over an `Int64`.
///
/// Durations below 2³¹ ns (2.1 s) are exact; longer ones are rounded up to a multiple of 2³² ns
/// (4.3 s), which only widens a search by that much; the largest code stands for `Int64.max`.
enum DurationBound {
    private static let coarseBit: UInt32 = 1 << 31
    private static let largestCoarse: UInt32 = (1 << 31) - 1

    /// The code of the smallest representable bound ≥ `duration` (negative durations encode as 0).
    static func encode(_ duration: Int64) -> UInt32 {
        guard duration > 0 else { return 0 }
        if duration < Int64(coarseBit) { return UInt32(duration) }
        // ceil(duration / 2³²), computed without overflow.
        let units = (duration >> 32) + (duration & 0xFFFF_FFFF == 0 ? 0 : 1)
        return coarseBit | UInt32(min(units, Int64(largestCoarse)))
    }

    /// The bound a code stands for.
    static func decode(_ code: UInt32) -> Int64 {
        guard code & coarseBit != 0 else { return Int64(code) }
        let units = code & ~coarseBit
        return units == largestCoarse ? .max : Int64(units) << 32
    }
}
