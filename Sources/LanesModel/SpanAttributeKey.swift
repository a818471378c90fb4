/// Attribute keys with a meaning Lanes itself gives them.
public enum SpanAttributeKey {
    /// A handler invocation's label (a message's author, a request id): `Lanes.handler`
    /// records it as an attribute rather than in the span's name, so that a label per request
    /// costs no interned string, and views show the span as `name "label"`
    /// (`Trace.displayName(ofSpan:)`).
    public static let label = "label"
}

extension Trace {
    /// The span's name as views show it: `name "label"` when the span has a `label` attribute
    /// (older recordings put the label in the name itself, and have no such attribute), else
    /// the name.
    public func displayName(ofSpan span: Int) -> String {
        let name = self.name(ofSpan: span)
        guard let label = attribute(SpanAttributeKey.label, ofSpan: span), !name.hasSuffix("\"\(label)\"")
        else { return name }
        return "\(name) \"\(label)\""
    }
}
