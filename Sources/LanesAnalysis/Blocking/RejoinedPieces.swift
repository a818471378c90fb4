import LanesModel

/// Puts back together the pieces of one job that turned out to be one place.
///
/// A job is cut where its samples moved from one function of the app to another (see
/// `BlockingEvidence.siteBoundaries`), before `WanderingSites` gives CPU work one site per call.
/// A loop that was sampled for a while in a helper it calls is then cut in two and both pieces are
/// re-sited to the loop: one call counted twice. Adjacent pieces of one job and one span that
/// ended at the same site are therefore one occurrence again, its state re-read from the evidence
/// over the whole of it.
struct RejoinedPieces {
    let evidence: (any BlockingEvidence)?
    let state: (BlockingEvidenceSummary?, Int64) -> BlockingState?

    /// Rejoins `occurrences` (sorted by begin, then thread), keeping that order.
    func rejoin(_ occurrences: [BlockingOccurrence]) -> [BlockingOccurrence] {
        var rejoined: [BlockingOccurrence] = []
        rejoined.reserveCapacity(occurrences.count)
        // Where the last occurrence of each job is in `rejoined`.
        var lastOfJob: [Int32: Int] = [:]
        var joined: Set<Int> = []
        for occurrence in occurrences {
            if occurrence.slice >= 0, let position = lastOfJob[occurrence.slice] {
                let previous = rejoined[position]
                if previous.end == occurrence.begin, previous.span == occurrence.span, previous.site == occurrence.site {
                    rejoined[position].end = occurrence.end
                    rejoined[position].heldNanoseconds &+= occurrence.heldNanoseconds
                    rejoined[position].waitedNanoseconds &+= occurrence.waitedNanoseconds
                    if occurrence.heldNanoseconds > previous.heldNanoseconds { rejoined[position].stack = occurrence.stack }
                    joined.insert(position)
                    continue
                }
            }
            if occurrence.slice >= 0 { lastOfJob[occurrence.slice] = rejoined.count }
            rejoined.append(occurrence)
        }
        for position in joined {
            let occurrence = rejoined[position]
            let found = evidence?.evidence(thread: occurrence.thread, task: occurrence.task, from: occurrence.begin, to: occurrence.end)
            rejoined[position].state = state(found, occurrence.end &- occurrence.begin)
        }
        return rejoined
    }
}
