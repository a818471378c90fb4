/// A span name as viztracer writes it: `function (file:line)` for a Python function (the line of
/// its `def`), `module.function` for a C function.
struct ViztracerFrameName: Equatable {
    /// The function, e.g. `wait_for` or `BaseEventLoop._run_once`.
    var function: Substring
    /// The file, e.g. `/srv/app.py` or `<frozen os>`; nil for a C function.
    var file: Substring?
    /// The line, or nil for a C function.
    var line: Int?

    /// Whether the name carried a file and a line (a Python function).
    var isPythonFrame: Bool { file != nil }

    /// Parses `name`. A name without a `(file:line)` suffix is a C function (or not viztracer's).
    init(parsing name: String) {
        function = name[...]
        guard name.utf8.last == UInt8(ascii: ")"), let open = Self.firstOpening(in: name) else { return }
        let inside = name[open.upperBound..<name.index(before: name.endIndex)]
        guard let colon = inside.lastIndex(of: ":") else { return }
        let digits = inside[inside.index(after: colon)...]
        guard !digits.isEmpty, digits.utf8.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              colon > inside.startIndex, let line = Int(digits) else { return }
        function = name[..<open.lowerBound]
        file = inside[..<colon]
        self.line = line
    }

    /// The range of the first ` (` in `name` (function names hold no spaces; paths may).
    private static func firstOpening(in name: String) -> Range<String.Index>? {
        var previous: String.Index?
        for index in name.indices {
            if name[index] == "(", let space = previous, name[space] == " " { return space..<name.index(after: index) }
            previous = index
        }
        return nil
    }
}
