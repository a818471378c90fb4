/// Durations the way Lanes prints them everywhere (reports, warnings): `2.41s`, `0.30s`,
/// `42.5ms`, `310µs`, `12ns`. The one implementation; `DisplayText.duration` and the readers'
/// warnings use it.
public enum DurationText {
    /// `nanoseconds` in the largest unit that keeps it readable.
    public static func format(_ nanoseconds: Int64) -> String {
        let magnitude = nanoseconds.magnitude
        let sign = nanoseconds < 0 ? "-" : ""
        if magnitude >= 100_000_000 { return sign + fixed(magnitude, unit: 1_000_000_000, digits: 2) + "s" }
        if magnitude >= 1_000_000 { return sign + fixed(magnitude, unit: 1_000_000, digits: 1) + "ms" }
        if magnitude >= 1_000 { return sign + fixed(magnitude, unit: 1_000, digits: 0) + "µs" }
        return sign + String(magnitude) + "ns"
    }

    /// `value / unit` rounded to `digits` decimals, without Foundation.
    public static func fixed(_ value: UInt64, unit: UInt64, digits: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value.multipliedReportingOverflow(by: scale).overflow
            ? value / unit * scale
            : (value * scale + unit / 2) / unit)
        let whole = scaled / scale
        guard digits > 0 else { return String(whole) }
        var fraction = String(scaled % scale)
        while fraction.count < digits { fraction = "0" + fraction }
        return String(whole) + "." + fraction
    }
}
