import LanesAnalysis

/// Makes untrusted strings (span names, attributes, file names) safe to put on a terminal, and
/// fits them into cells; the escaping itself is `DisplayText.escaped`, shared with the reports.
///
/// A span name is input from whatever program wrote the trace. Control characters, escape
/// sequences, bidirectional overrides, combining marks and double-width characters would move
/// the cursor, recolour the screen or misalign the grid, so each is shown escaped instead
/// (`\e`, `\n`, `\u{202E}`). What remains is one terminal column per scalar.
public enum SafeText {
    /// `text` with every scalar that is not a printable single-width character escaped
    /// (`DisplayText.escaped`). With `asciiOnly`, every non-ASCII scalar is escaped too.
    public static func sanitize(_ text: String, asciiOnly: Bool = false) -> String {
        DisplayText.escaped(text, asciiOnly: asciiOnly)
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
}
