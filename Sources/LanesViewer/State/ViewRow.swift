/// One line of the lane tree: what it stands for and how its label is drawn.
public struct ViewRow: Sendable, Equatable {
    /// What a row stands for.
    public enum Content: Sendable, Equatable {
        /// A task (lane) drawn as a whole: used when it has no single root span.
        case lane(Int32)
        /// One span (a lane with one root span is shown as that span).
        case span(Int32)
        /// Many same-named siblings drawn in one row; the index is into `ViewState.groups`.
        case group(Int)
        /// A thread, in the by-thread view.
        case thread(Int32)
        /// Rows left out of a very long child list.
        case more(Int)
    }

    /// What the row stands for.
    public var content: Content
    /// Depth in the tree (0: a lane).
    public var depth: Int
    /// The tree lines drawn before the fold mark, already in the theme's glyphs.
    public var prefix: String
    /// Whether the row has children to unfold.
    public var isExpandable: Bool
    /// Whether the row is unfolded.
    public var isExpanded: Bool
    /// Whether the row's span (or a member of its group) has findings.
    public var hasFinding: Bool

    /// The span the row stands for, if it is a span row.
    public var span: Int32? {
        if case .span(let span) = content { return span }
        return nil
    }
}

/// Same-named siblings shown as one row, so ten thousand `tick` spans cost one line and one
/// binary search per cell.
public struct SpanGroup: Sendable, Equatable {
    /// The shared name (index into the trace's strings).
    public var name: UInt32
    /// The lane the members belong to.
    public var lane: Int32
    /// The member spans, in begin order.
    public var members: [Int32]
    /// `memberBegins[i]` is the begin of `members[i]`.
    public var memberBegins: [Int64]
    /// `runningMaxEnd[i]` is the latest end among `members[0...i]`.
    public var runningMaxEnd: [Int64]
}
