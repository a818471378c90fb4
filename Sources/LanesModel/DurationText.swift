/// Durations the way Lanes prints them everywhere (reports, the viewer, the readers' warnings):
/// three significant digits in the largest unit that keeps the number ≥ 1 (`1.80s`, `300ms`,
/// `12.3µs`, `42ns`). The one implementation; `DisplayText.duration` in LanesAnalysis forwards
/// here so readers, which cannot depend on the analysis, print the same text.
public enum DurationText {
    /// `nanoseconds` with three significant digits: "1.80s", "300ms", "12.3µs", "2.50m"; "us"
    /// instead of "µs" with `ascii`.
    public static func format(_ nanoseconds: Int64, ascii: Bool = false) -> String {
        let micro = ascii ? "us" : "µs"
        let value = Double(nanoseconds)
        let magnitude = abs(value)
        if magnitude == 0 { return "0s" }
        let sign = value < 0 ? "-" : ""
        let (size, unit): (Double, String) =
            if magnitude < 1e3 { (1, "ns") }
            else if magnitude < 1e6 { (1e3, micro) }
            else if magnitude < 1e9 { (1e6, "ms") }
            else if magnitude < 120e9 { (1e9, "s") }
            else if magnitude < 7_200e9 { (60e9, "m") }
            else if magnitude < 172_800e9 { (3_600e9, "h") }
            else { (86_400e9, "d") }
        if size == 1 { return sign + String(Int64(magnitude)) + unit }
        return sign + significant(magnitude / size) + unit
    }

    /// `value` with three significant digits: 1.80, 30.0, 300 (whole numbers from 100 on).
    public static func significant(_ value: Double) -> String {
        if value >= 100 { return decimal(value, digits: 0) }
        if value >= 10 { return decimal(value, digits: 1) }
        return decimal(value, digits: 2)
    }

    /// `value` with `digits` digits after the point, without Foundation.
    public static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "?" }
        let digits = max(0, min(digits, 9))
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value < 0 ? "-∞" : "∞" }
        let whole = Int64(scaled)
        let integerPart = whole / Int64(scale)
        var text = (value < 0 && whole != 0 ? "-" : "") + String(integerPart)
        if digits > 0 {
            var fraction = String(whole % Int64(scale))
            while fraction.count < digits { fraction = "0" + fraction }
            text += "." + fraction
        }
        return text
    }
}
