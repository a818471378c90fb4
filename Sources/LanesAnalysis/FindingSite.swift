import LanesModel

/// Where a finding happened, as reports group them: the same problem at the same place is one
/// entry with a count ("blocking-call at wait_for(7) ×3, 2.10 s"), in `lanes summary`, in
/// `lanes diff` and in the viewer's findings list.
public enum FindingSite {
    /// The site of `finding`: its blocking site when it has one (span or task, function and
    /// `file:line`), else the name of its span (escaped for display), or "" for a finding about an
    /// interval without a span. The one place that decides what "the same site" means, so every
    /// report groups alike.
    public static func key(of finding: Finding, in trace: Trace) -> String {
        if let site = finding.site { return site.description }
        guard finding.span >= 0, Int(finding.span) < trace.spanCount else { return "" }
        return DisplayText.name(ofSpan: Int(finding.span), in: trace)
    }

    /// What `lanes diff` matches a group of findings by between two runs: the site's name (the
    /// span or task it is attributed to), without the code location, which moves whenever code
    /// above it changes. The one place that decides what "the same site in another run" means.
    public static func matchName(of group: TraceSummary.FindingGroup) -> String {
        group.site?.name ?? group.spanName
    }

    /// `findings` (largest cost first) grouped by rule and site, largest total cost first; each
    /// group lists its findings largest first.
    public static func groups(_ findings: [Finding], in trace: Trace) -> [FindingSiteGroup] {
        var groups: [FindingSiteGroup] = []
        var indexByKey: [String: Int] = [:]
        for (index, finding) in findings.enumerated() {
            let site = key(of: finding, in: trace)
            let spanName = finding.span >= 0 && Int(finding.span) < trace.spanCount ? DisplayText.name(ofSpan: Int(finding.span), in: trace) : ""
            let groupKey = finding.groupKey(spanName: spanName)
            if let group = indexByKey[groupKey] {
                groups[group].findings.append(index)
                groups[group].totalCostNanoseconds &+= finding.costNanoseconds
            } else {
                indexByKey[groupKey] = groups.count
                groups.append(FindingSiteGroup(rule: finding.rule, site: site, findings: [index], totalCostNanoseconds: finding.costNanoseconds))
            }
        }
        for group in groups.indices {
            groups[group].findings.sort {
                (findings[$0].costNanoseconds, -$0) > (findings[$1].costNanoseconds, -$1)
            }
            // The state that held the most of the group's time, and the ready jobs' total wait.
            var timeByState: [BlockingState: Int64] = [:]
            for index in groups[group].findings {
                groups[group].waitedNanoseconds &+= findings[index].waitedNanoseconds
                if let state = findings[index].state { timeByState[state, default: 0] &+= findings[index].costNanoseconds }
            }
            groups[group].state = timeByState.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }?.key
        }
        return groups.enumerated().sorted {
            ($0.element.totalCostNanoseconds, -$0.offset) > ($1.element.totalCostNanoseconds, -$1.offset)
        }.map(\.element)
    }
}

/// Findings of one rule at one site.
public struct FindingSiteGroup: Sendable, Equatable {
    /// The rule.
    public var rule: FindingRule
    /// The site (see `FindingSite.key`).
    public var site: String
    /// Indexes into the findings the group was made from, largest cost first.
    public var findings: [Int]
    /// Σ cost, in nanoseconds.
    public var totalCostNanoseconds: Int64
    /// For `blocking-call`: the state that held the most of the group's time, when known.
    public var state: BlockingState? = nil
    /// For `blocking-call`: Σ job-nanoseconds ready jobs waited while the group held threads.
    public var waitedNanoseconds: Int64 = 0
}
