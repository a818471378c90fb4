import LanesViewer
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Golden screens: plain-text files under `Tests/LanesViewerTests/Golden/`.
///
/// Run the tests with `LANES_UPDATE_GOLDEN=1` to (re)write the files from the current
/// renderer; review the diff before committing.
enum GoldenScreen {
    /// The folder holding the golden files, found from this source file's path.
    static var folder: String {
        let file = #filePath
        let support = file[..<(file.lastIndex(of: "/") ?? file.endIndex)]
        let tests = support[..<(support.lastIndex(of: "/") ?? support.endIndex)]
        return String(tests) + "/Golden"
    }

    static var updating: Bool { getenv("LANES_UPDATE_GOLDEN").map { String(cString: $0) == "1" } ?? false }

    /// Expects `grid`'s text to equal the golden file `name`.txt (or writes it when updating).
    static func expect(_ grid: CellGrid, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = folder + "/" + name + ".txt"
        let actual = grid.text
        if updating {
            try write(actual, to: path)
            return
        }
        guard let expected = read(path) else {
            Issue.record("missing golden file \(name).txt; run with LANES_UPDATE_GOLDEN=1 to create it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(expectedLines.count, actualLines.count)
            Issue.record("""
                screen differs from \(name).txt at line \(line + 1)
                expected: \(line < expectedLines.count ? String(expectedLines[line]) : "(none)")
                actual:   \(line < actualLines.count ? String(actualLines[line]) : "(none)")
                full screen:
                \(actual)
                """, sourceLocation: sourceLocation)
        }
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw GoldenError.cannotWrite(path) }
        defer { fclose(file) }
        let bytes = Array(text.utf8)
        _ = fwrite(bytes, 1, bytes.count, file)
    }

    enum GoldenError: Error { case cannotWrite(String) }
}
