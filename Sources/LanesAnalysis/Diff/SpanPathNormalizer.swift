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
