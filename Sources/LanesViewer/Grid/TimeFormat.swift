/// Durations and times as short readable text: "1.80s", "300ms", "12.3µs", "2.5h".
public enum TimeFormat {
    /// A duration with three significant digits, in the largest unit that keeps it ≥ 1.
    public static func duration(_ nanoseconds: Int64, ascii: Bool = false) -> String {
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

    /// `value` with three significant digits: 1.80, 30.0, 300.
    static func significant(_ value: Double) -> String {
        if value >= 100 { return String(Int64(value.rounded())) }
        if value >= 10 { return fixed(value, decimals: 1) }
        return fixed(value, decimals: 2)
    }

    /// `value` with `decimals` digits after the point, without Foundation.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "?" }
        let decimals = max(0, min(decimals, 9))
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value < 0 ? "-∞" : "∞" }
        let whole = Int64(scaled)
        let integerPart = whole / Int64(scale)
        var text = (value < 0 && whole != 0 ? "-" : "") + String(integerPart)
        if decimals > 0 {
            var fraction = String(whole % Int64(scale))
            while fraction.count < decimals { fraction = "0" + fraction }
            text += "." + fraction
        }
        return text
    }

    /// A signed percentage change from `old` to `new`: "−49%", "+3%", "±0%".
    public static func percentChange(from old: Int64, to new: Int64, ascii: Bool = false) -> String {
        guard old != 0 else { return new == 0 ? "±0%" : "new" }
        let change = (Double(new) - Double(old)) / Double(old) * 100
        let rounded = Int64(change.rounded())
        if rounded == 0 { return ascii ? "+-0%" : "±0%" }
        return rounded > 0 ? "+\(rounded)%" : (ascii ? "-" : "−") + "\(-rounded)%"
    }
}
