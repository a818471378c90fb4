@testable import LanesFormat

enum JSONTestSupport {
    /// Parses a whole JSON document with the reader under test.
    static func parse(_ text: String) throws -> JSONValue {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            let value = try reader.readValue()
            reader.skipWhitespace()
            guard reader.isAtEnd else { throw JSONSyntaxError(offset: reader.position, message: "trailing text", isEndOfInput: false) }
            return value
        }
    }
}
