import LanesModel

/// Text for people: span names made safe to print, and durations in the units Lanes uses.
public enum DisplayText {
    /// `text` with every control character (C0, DEL, C1) and bidirectional override replaced by a
    /// visible `\u{…}` escape. Span names come from the traced program or an imported file and are
    /// untrusted: printed raw, an escape sequence in a name could rewrite the user's terminal.
    public static func escaped(_ text: String) -> String {
        var needsEscape = false
        for scalar in text.unicodeScalars where isUnsafe(scalar) {
            needsEscape = true
            break
        }
        guard needsEscape else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The escaped name of span `span` as views show it (`name "label"` for a labelled handler).
    public static func name(ofSpan span: Int, in trace: Trace) -> String {
        escaped(trace.displayName(ofSpan: span))
    }

    /// A duration the way the report prints it: `2.41s`, `0.30s`, `42.5ms`, `310µs`, `12ns`.
    public static func duration(_ nanoseconds: Int64) -> String { DurationText.format(nanoseconds) }

    /// A percentage change with its sign: `−49%`, `+3%`, `0%`.
    public static func percentChange(from before: Int64, to after: Int64) -> String {
        guard before != 0 else { return after == 0 ? "0%" : "new" }
        let percent = (Double(after) - Double(before)) / Double(before) * 100
        let rounded = Int((percent).rounded())
        if rounded == 0 { return "0%" }
        return (rounded > 0 ? "+" : "−") + String(abs(rounded)) + "%"
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value)
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}
