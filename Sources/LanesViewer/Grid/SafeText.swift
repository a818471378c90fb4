/// Makes untrusted strings (span names, attributes, file names) safe to put on a terminal.
///
/// A span name is input from whatever program wrote the trace. Control characters, escape
/// sequences, bidirectional overrides, combining marks and double-width characters would move
/// the cursor, recolour the screen or misalign the grid, so each is shown escaped instead
/// (`\e`, `\n`, `\u{202E}`). What remains is one terminal column per scalar.
public enum SafeText {
    /// `text` with every scalar that is not a printable single-width character escaped.
    /// With `asciiOnly`, every non-ASCII scalar is escaped too.
    public static func sanitize(_ text: String, asciiOnly: Bool = false) -> String {
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

    /// Sanitises `text` and cuts it to at most `width` cells, ending with `ellipsis` when cut.
    public static func fit(_ text: String, width: Int, asciiOnly: Bool = false, ellipsis: Unicode.Scalar = "…") -> String {
        let safe = sanitize(text, asciiOnly: asciiOnly)
        return cut(safe, width: width, ellipsis: ellipsis)
    }

    /// Cuts already-safe `text` to `width` cells, ending with `ellipsis` when cut.
    public static func cut(_ text: String, width: Int, ellipsis: Unicode.Scalar = "…") -> String {
        guard width > 0 else { return "" }
        let scalars = text.unicodeScalars
        if scalars.count <= width { return text }
        var result = String.UnicodeScalarView(scalars.prefix(width - 1))
        result.append(ellipsis)
        return String(result)
    }

    /// Cuts already-safe `text` to `width` cells by dropping its middle, so both ends stay:
    /// `wait_for(3)` becomes `wait…(3)`, `on_message "alice"` becomes `on_m…"alice"`. Names of one
    /// family tend to differ at the end (an argument, a label, a path's last part), so the end is
    /// kept from a word boundary when one leaves the start at least three cells.
    public static func cutMiddle(_ text: String, width: Int, ellipsis: Unicode.Scalar = "…") -> String {
        guard width > 0 else { return "" }
        let scalars = Array(text.unicodeScalars)
        if scalars.count <= width { return text }
        if width < 5 { return cut(text, width: width, ellipsis: ellipsis) }
        let keep = width - 1
        var tail = keep / 2
        // A tail starting at a word boundary: after a space, slash, dot or colon, or at an
        // opening quote or bracket, if it is neither tiny nor crowding out the start.
        let separators: Set<Unicode.Scalar> = [" ", "/", ".", ":"]
        let openers: Set<Unicode.Scalar> = ["\"", "'", "(", "[", "<"]
        var position = scalars.count - 1
        while position > 0 {
            let candidate = openers.contains(scalars[position]) ? scalars.count - position
                : (separators.contains(scalars[position - 1]) ? scalars.count - position : 0)
            if candidate > keep - 3 { break }
            if candidate > 0, candidate * 3 >= keep {
                tail = candidate
                break
            }
            position -= 1
        }
        let head = keep - tail
        var result = String.UnicodeScalarView(scalars[0..<head])
        result.append(ellipsis)
        result.append(contentsOf: scalars[(scalars.count - tail)...])
        return String(result)
    }

    /// Cuts already-safe `text` to `width` cells keeping its end ("…executor-1"), for names
    /// whose distinguishing part comes last.
    public static func cutKeepingEnd(_ text: String, width: Int, ellipsis: Unicode.Scalar = "…") -> String {
        guard width > 0 else { return "" }
        let scalars = text.unicodeScalars
        if scalars.count <= width { return text }
        var result = String.UnicodeScalarView([ellipsis])
        result.append(contentsOf: scalars.suffix(width - 1))
        return String(result)
    }

    /// The number of cells safe `text` takes.
    public static func width(_ text: String) -> Int { text.unicodeScalars.count }

    /// Whether `scalar` can be put in one cell as is.
    static func isSafe(_ scalar: Unicode.Scalar, asciiOnly: Bool) -> Bool {
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
}
