/// A chat message, as the seed's `on_message` handler receives it.
public struct SeedMessage: Sendable {
    /// Who sent it; the handler span's label.
    public var author: String
    /// What it says.
    public var text: String

    public init(author: String, text: String) {
        self.author = author
        self.text = text
    }
}
