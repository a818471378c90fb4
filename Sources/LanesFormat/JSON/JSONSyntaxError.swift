/// Why JSON could not be read: what was expected, and where.
struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem.
    var offset: Int
    /// What is wrong, e.g. "expected ':' after an object key".
    var message: String
    /// The input stopped in the middle of a value (a cut-off file rather than bad syntax).
    var isEndOfInput: Bool

    var description: String {
        isEndOfInput ? "the JSON stops in the middle of a value at byte \(offset)" : "\(message) at byte \(offset)"
    }
}
