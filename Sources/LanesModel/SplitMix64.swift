/// SplitMix64: a tiny, fast, deterministic random number generator, and its mixing step.
///
/// Lanes uses it wherever numbers must look random yet be reproducible: ids derived from small
/// counters (OTLP and W3C ids), synthetic traces for benchmarks, property-style tests whose
/// failing seed must replay.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state; the sequence is fixed by the seed.
    public var state: UInt64

    /// A generator whose sequence is determined by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    /// The mixing step alone: spreads the bits of `value` over all 64 bits, so that values
    /// derived from small numbers look random. Equal inputs give equal outputs.
    public static func mix(_ value: UInt64) -> UInt64 {
        finalize(value &+ 0x9E37_79B9_7F4A_7C15)
    }

    @inline(__always)
    static func finalize(_ value: UInt64) -> UInt64 {
        var value = value
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
