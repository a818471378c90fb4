/// A duration that reports carry in nanoseconds and JSON shows in seconds (a number), as every
/// Lanes report does: `"p50_seconds": 0.0203`.
public struct Seconds: Encodable, Sendable, Equatable {
    /// The duration, in nanoseconds.
    public var nanoseconds: Int64

    public init(_ nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The duration in seconds.
    public var value: Double { Double(nanoseconds) / 1e9 }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
