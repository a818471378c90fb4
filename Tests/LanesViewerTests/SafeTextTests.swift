import LanesAnalysis
import LanesViewer
import Testing

@Suite("Sanitising and formatting")
struct SafeTextTests {
    /// Whether a scalar takes one terminal column (what every cell must hold).
    static func isSingleColumn(_ scalar: Unicode.Scalar) -> Bool {
        SafeText.sanitize(String(scalar)) == String(scalar) || scalar == " "
    }

    @Test("control characters and escapes are shown, not obeyed", arguments: [
        ("\u{1B}[2J", "\\e[2J"), ("a\nb\tc\r", "a\\nb\\tc\\r"), ("\u{7}", "\\x07"), ("\u{9B}1m", "\\x9B1m"),
        ("\u{202E}txt", "\\u{202E}txt"), ("plain ascii", "plain ascii"), ("café", "café"), ("\u{0}", "\\0"),
    ])
    func escapes(input: String, shown: String) {
        #expect(SafeText.sanitize(input) == shown)
    }

    @Test("double-width and combining characters are escaped so one scalar is one column")
    func widths() {
        #expect(SafeText.sanitize("漢") == "\\u{6F22}")
        #expect(SafeText.sanitize("😀") == "\\u{1F600}")
        #expect(SafeText.sanitize("e\u{301}") == "e\\u{301}")
    }

    @Test("ASCII mode escapes everything outside ASCII")
    func asciiOnly() {
        #expect(SafeText.sanitize("café", asciiOnly: true) == "caf\\xE9")
    }

    @Test("long text is cut with an ellipsis to exactly the width")
    func cut() {
        #expect(SafeText.fit("abcdefghij", width: 5) == "abcd…")
        #expect(SafeText.fit("abc", width: 5) == "abc")
        #expect(SafeText.fit("abc", width: 0) == "")
        #expect(SafeText.fit("\u{1B}\u{1B}", width: 3) == "\\e…")
    }

    @Test("durations read naturally at every scale", arguments: [
        (Int64(0), "0s"), (999, "999ns"), (1_500, "1.50µs"), (300_000_000, "300ms"), (1_800_000_000, "1.80s"),
        (90_000_000_000, "90.0s"), (600_000_000_000, "10.0m"), (10_800_000_000_000, "3.00h"),
        (259_200_000_000_000, "3.00d"), (-2_000_000, "-2.00ms"),
    ])
    func durations(nanoseconds: Int64, text: String) {
        #expect(DisplayText.duration(nanoseconds) == text)
    }

    @Test("narrow names lose their middle and keep what tells them apart", arguments: [
        ("wait_for(3)", 8, "wait…(3)"), ("wait_for(7)", 8, "wait…(7)"), ("on_message \"alice\"", 12, "on_m…\"alice\""),
        ("GET /users/{id}/orders", 16, "GET /user…orders"), ("short", 8, "short"), ("abcdefgh", 4, "abc…"),
        ("x", 0, ""),
    ])
    func cutMiddle(text: String, width: Int, expected: String) {
        let cut = SafeText.cutMiddle(text, width: width)
        #expect(cut == expected)
        #expect(SafeText.width(cut) <= max(0, width))
    }

    @Test("the theme falls back to ASCII without a UTF-8 locale or on a dumb terminal")
    func themeDetection() {
        #expect(Theme.detect(environment: ["LANG": "en_US.UTF-8", "TERM": "xterm"]).isUTF8)
        #expect(Theme.detect(environment: ["LC_ALL": "C.utf8"]).isUTF8)
        #expect(!Theme.detect(environment: ["LANG": "C", "TERM": "xterm"]).isUTF8)
        #expect(!Theme.detect(environment: ["LANG": "en_US.UTF-8", "TERM": "dumb"]).isUTF8)
        #expect(!Theme.detect(environment: ["LC_ALL": "POSIX", "LANG": "en_US.UTF-8"]).isUTF8)
        #expect(!Theme.detect(environment: [:]).isUTF8)
    }
}

@Suite("Cutting from the end")
struct CutKeepingEndTests {
    @Test("thread names keep their distinguishing end")
    func keepsEnd() {
        #expect(SafeText.cutKeepingEnd("lanes-executor-1", width: 8) == "…cutor-1")
        #expect(SafeText.cutKeepingEnd("short", width: 8) == "short")
        #expect(SafeText.cutKeepingEnd("abc", width: 0) == "")
    }
}
