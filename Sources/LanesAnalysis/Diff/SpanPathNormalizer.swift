import LanesModel

/// Normalises span names for matching two runs: what differs between runs of the same code
/// (addresses, UUIDs, long ids, whitespace) is replaced by a placeholder; what tells spans apart
/// (`wait_for(3)` versus `wait_for(7)`, a handler's label) is kept.
enum SpanPathNormalizer {
    /// The joiner between path components, as shown to users: `handler › span › child`.
    static let separator = " › "

    static func normalize(_ name: String) -> String {
        var output: [Character] = []
        output.reserveCapacity(name.count)
        let characters = Array(name)
        var index = 0
        var pendingSpace = false
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                pendingSpace = !output.isEmpty
                index += 1
                continue
            }
            if pendingSpace { output.append(" "); pendingSpace = false }
            // 0x… addresses.
            if character == "0", index + 1 < characters.count, characters[index + 1] == "x" || characters[index + 1] == "X" {
                var end = index + 2
                while end < characters.count, characters[end].isHexDigit { end += 1 }
                if end - index > 4 {
                    output.append(contentsOf: "0x…")
                    index = end
                    continue
                }
            }
            // UUIDs: 8-4-4-4-12 hex digits.
            if character.isHexDigit, let end = uuidEnd(characters, from: index) {
                output.append(contentsOf: "<uuid>")
                index = end
                continue
            }
            // Runs of six or more digits: ids, timestamps, ports.
            if character.isASCII, character.isNumber {
                var end = index
                while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
                if end - index >= 6 {
                    output.append("#")
                } else {
                    output.append(contentsOf: characters[index..<end])
                }
                index = end
                continue
            }
            output.append(character)
            index += 1
        }
        return String(output)
    }

    private static func uuidEnd(_ characters: [Character], from start: Int) -> Int? {
        let groups = [8, 4, 4, 4, 12]
        var index = start
        for (number, length) in groups.enumerated() {
            for _ in 0..<length {
                guard index < characters.count, characters[index].isHexDigit else { return nil }
                index += 1
            }
            if number < groups.count - 1 {
                guard index < characters.count, characters[index] == "-" else { return nil }
                index += 1
            }
        }
        return index
    }
}

/// Interns span paths shared by two traces: a path is (parent path, normalised name), so
/// matching a million spans costs a dictionary lookup each, not a string per span.
struct SpanPathTable {
    /// Parent path of each path, or -1 for a root path.
    private(set) var parents: [Int32] = []
    /// Normalised name (index into `names`) of each path's last component.
    private(set) var nameIndexes: [Int32] = []
    /// Distinct normalised names.
    private(set) var names: [String] = []
    private var nameIndexByName: [String: Int32] = [:]
    private var pathByKey: [UInt64: Int32] = [:]

    var count: Int { parents.count }

    /// The path of every span of `trace`.
    mutating func paths(of trace: Trace, order: [Int32]) -> [Int32] {
        var nameOfString = [Int32](repeating: -1, count: trace.strings.count)
        var result = [Int32](repeating: -1, count: trace.spanCount)
        for span32 in order {
            let span = Int(span32)
            let stringIndex = Int(trace.spanName[span])
            var name: Int32 = 0
            if stringIndex < nameOfString.count {
                if nameOfString[stringIndex] < 0 {
                    nameOfString[stringIndex] = intern(name: SpanPathNormalizer.normalize(trace.strings[UInt32(stringIndex)]))
                }
                name = nameOfString[stringIndex]
            }
            let parent = Int(trace.spanParent[span])
            let parentPath = parent >= 0 ? result[parent] : -1
            result[span] = path(parent: parentPath, name: name)
        }
        return result
    }

    /// The path's components joined by ` › `.
    func text(ofPath path: Int32) -> String {
        var components: [String] = []
        var current = path
        var guardCount = 0
        while current >= 0, Int(current) < parents.count, guardCount < 10_000 {
            components.append(names[Int(nameIndexes[Int(current)])])
            current = parents[Int(current)]
            guardCount += 1
        }
        return components.reversed().joined(separator: SpanPathNormalizer.separator)
    }

    /// The last component of the path.
    func lastName(ofPath path: Int32) -> String {
        guard path >= 0, Int(path) < parents.count else { return "" }
        return names[Int(nameIndexes[Int(path)])]
    }

    private mutating func intern(name: String) -> Int32 {
        if let index = nameIndexByName[name] { return index }
        let index = Int32(names.count)
        names.append(name)
        nameIndexByName[name] = index
        return index
    }

    private mutating func path(parent: Int32, name: Int32) -> Int32 {
        let key = UInt64(UInt32(bitPattern: parent)) << 32 | UInt64(UInt32(bitPattern: name))
        if let path = pathByKey[key] { return path }
        let path = Int32(parents.count)
        parents.append(parent)
        nameIndexes.append(name)
        pathByKey[key] = path
        return path
    }
}
