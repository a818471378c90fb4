/// One line of the lane tree: what it stands for and how its label is drawn.
///
/// Twelve bytes a row: a server trace can list hundreds of thousands of tasks, so the tree lines
/// are kept as bits and drawn from the theme when the row is on screen.
public struct ViewRow: Sendable, Equatable {
    /// What a row stands for.
    public enum Content: Sendable, Equatable, Hashable {
        /// A task drawn as a whole (a task with several roots, or without spans); -1 is the
        /// "other tasks" row.
        case lane(Int32)
        /// One span (a task with one root span is shown as that span).
        case span(Int32)
        /// Many same-named siblings drawn in one row; the index is into `ViewState.groups`.
        case group(Int32)
        /// A thread, in the by-thread view.
        case thread(Int32)
        /// Rows left out of a very long child list.
        case more(Int32)
        /// A route (root spans of one kind), in the route view; the index is into the document's routes.
        case route(Int32)
        /// Findings of one rule at one site, in the findings list; the index is into
        /// `ViewState.findingGroups`.
        case findingGroup(Int32)
        /// One finding, in the findings list; the index is into the analysis's findings.
        case finding(Int32)
    }

    // Declared in this order so that the row packs into 12 bytes (lineage 4, content 5, flags 1,
    // depth 2): declared content first, the padding made it 16.
    /// Bit k set: the ancestor at depth k + 1 is the last of its siblings (no line below it).
    private var lineage: UInt32
    /// What the row stands for.
    public var content: Content
    private var flags: UInt8
    private var storedDepth: UInt16

    public init(content: Content, depth: Int, ancestorsLast: [Bool] = [], isLast: Bool = true,
                isExpandable: Bool, isExpanded: Bool, hasFinding: Bool) {
        self.content = content
        storedDepth = UInt16(clamping: depth)
        var bits: UInt32 = 0
        for (index, last) in ancestorsLast.prefix(32).enumerated() where last { bits |= 1 << UInt32(index) }
        lineage = bits
        flags = (isLast ? 1 : 0) | (isExpandable ? 2 : 0) | (isExpanded ? 4 : 0) | (hasFinding ? 8 : 0)
    }

    /// Depth in the tree (0: a top-level row).
    public var depth: Int { Int(storedDepth) }
    /// Whether the row is the last of its siblings.
    public var isLast: Bool { flags & 1 != 0 }
    /// Whether the row has children to unfold.
    public var isExpandable: Bool { flags & 2 != 0 }
    /// Whether the row is unfolded.
    public var isExpanded: Bool { flags & 4 != 0 }
    /// Whether the row's span (or a member of its group) has findings.
    public var hasFinding: Bool { flags & 8 != 0 }

    /// The span the row stands for, if it is a span row.
    public var span: Int32? {
        if case .span(let span) = content { return span }
        return nil
    }

    /// Whether each ancestor below the top was the last of its siblings (for a child's lineage).
    var ancestorsLast: [Bool] {
        depth <= 1 ? [] : (0..<min(32, depth - 1)).map { lineage & (1 << UInt32($0)) != 0 }
    }

    /// The tree lines drawn before the fold mark, in `theme`'s glyphs: for each ancestor below
    /// the top, a bar if it has later siblings, then the branch.
    func treePrefix(_ theme: Theme) -> String {
        guard depth > 0 else { return "" }
        var scalars = "  ".unicodeScalars
        for level in 0..<(depth - 1) {
            let last = level >= 32 || lineage & (1 << UInt32(level)) != 0
            scalars.append(last ? Unicode.Scalar(" ") : theme.vertical)
            scalars.append(" ")
        }
        scalars.append(isLast ? theme.lastBranch : theme.branch)
        return String(scalars)
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
