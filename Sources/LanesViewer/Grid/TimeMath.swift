/// Overflow-safe arithmetic on nanosecond times, for traces whose timestamps are hostile or
/// span more than Int64 can subtract.
public enum TimeMath {
    /// `to − from`, at least 1, saturating at Int64.max.
    public static func distance(from: Int64, to: Int64) -> Int64 {
        let (difference, overflow) = to.subtractingReportingOverflow(from)
        if overflow { return .max }
        return max(1, difference)
    }

    /// `time + offset`, saturating.
    public static func add(_ time: Int64, _ offset: Int64) -> Int64 {
        let (sum, overflow) = time.addingReportingOverflow(offset)
        if overflow { return offset > 0 ? .max : .min }
        return sum
    }

    /// `value` rounded down and clamped to Int64.
    public static func clamp(_ value: Double) -> Int64 {
        if !(value == value) { return 0 }
        if value >= 9.2e18 { return .max }
        if value <= -9.2e18 { return .min }
        return Int64(value.rounded(.down))
    }
}
