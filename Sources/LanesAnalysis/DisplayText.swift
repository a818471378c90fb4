import LanesModel

/// Text for people, the one way Lanes writes it: names from traces made safe to print, durations,
/// percentages, counts. The reports (`lanes summary`, `lanes diff`) and the viewer both use it, so
/// a duration reads the same on the screen and in a report.
public enum DisplayText {
    // MARK: Untrusted names

    /// `text` with every scalar that is not a printable single-width character escaped (`\e`,
    /// `\n`, `\x07`, `\u{202E}`); with `asciiOnly`, every non-ASCII scalar too.
    ///
    /// A span name is input from whatever program wrote the trace. Control characters, escape
    /// sequences, bidirectional overrides, combining marks and double-width characters would move
    /// the cursor, recolour the screen or misalign a table, so each is shown escaped instead. What
    /// remains is one terminal column per scalar.
    public static func escaped(_ text: String, asciiOnly: Bool = false) -> String {
        var needsEscape = false
        for scalar in text.unicodeScalars where !isSafe(scalar, asciiOnly: asciiOnly) {
            needsEscape = true
            break
        }
        guard needsEscape else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isSafe(scalar, asciiOnly: asciiOnly) {
                result.append(scalar)
            } else {
                result.append(contentsOf: escape(scalar).unicodeScalars)
            }
        }
        return String(result)
    }

    /// The escaped name of span `span` as views show it (`name "label"` for a labelled handler).
    public static func name(ofSpan span: Int, in trace: Trace) -> String {
        escaped(trace.displayName(ofSpan: span))
    }

    /// Whether `scalar` can be put in one terminal cell as is.
    public static func isSafe(_ scalar: Unicode.Scalar, asciiOnly: Bool) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value >= 0x20 && value != 0x7F }
        if asciiOnly { return false }
        if value < 0xA0 { return false }  // C1 controls
        if (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) { return false }  // bidi
        switch scalar.properties.generalCategory {
        case .control, .format, .nonspacingMark, .enclosingMark, .spacingMark, .lineSeparator,
             .paragraphSeparator, .privateUse, .surrogate, .unassigned:
            return false
        default:
            break
        }
        return !isWide(scalar)
    }

    /// Whether `scalar` is drawn two columns wide (East Asian wide/fullwidth, emoji).
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if scalar.properties.isEmojiPresentation { return true }
        return (0x1100...0x115F).contains(value) || (0x2E80...0x303E).contains(value)
            || (0x3041...0x33FF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x4E00...0x9FFF).contains(value) || (0xA000...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1F64F).contains(value)
            || (0x1F900...0x1F9FF).contains(value) || (0x20000...0x3FFFD).contains(value)
    }

    /// The visible escape of an unsafe scalar.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x1B: return "\\e"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x00: return "\\0"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
        }
    }

    // MARK: Numbers

    /// A duration with three significant digits, in the largest unit that keeps it ≥ 1: "1.80s",
    /// "300ms", "12.3µs", "2.50m"; "us" instead of "µs" with `ascii`. (`DurationText`, which the
    /// readers' warnings use too.)
    public static func duration(_ nanoseconds: Int64, ascii: Bool = false) -> String {
        DurationText.format(nanoseconds, ascii: ascii)
    }

    /// `value` with `digits` digits after the point, without Foundation.
    public static func decimal(_ value: Double, digits: Int) -> String {
        DurationText.decimal(value, digits: digits)
    }

    /// A signed percentage change from `old` to `new`: "−49%", "+3%", "±0%" ("-49%", "+-0%" with
    /// `ascii`); "new" when `old` is 0.
    public static func percentChange(from old: Int64, to new: Int64, ascii: Bool = false) -> String {
        guard old != 0 else { return new == 0 ? (ascii ? "+-0%" : "±0%") : "new" }
        let change = (Double(new) - Double(old)) / Double(old) * 100
        let rounded = Int64(change.rounded())
        if rounded == 0 { return ascii ? "+-0%" : "±0%" }
        return rounded > 0 ? "+\(rounded)%" : (ascii ? "-" : "−") + "\(-rounded)%"
    }

    /// `count` with thousands separators: "1,296".
    public static func count(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var result = ""
        for (position, character) in digits.reversed().enumerated() {
            if position > 0, position % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (count < 0 ? "-" : "") + String(result.reversed())
    }
}
