import LanesModel

extension RuleContext {
    /// `blocking-call`: each time an executor thread was held for at least the threshold, by a
    /// job that did not suspend (whatever it ran) or a synchronous span.
    func blockingCallFindings() -> [Finding] {
        blockingOccurrences.map { occurrence in
            let held = occurrence.heldNanoseconds
            let thread = occurrence.thread >= 0 ? DisplayText.escaped(trace.name(ofThread: Int(occurrence.thread))) : "?"
            var message = "\(occurrence.site.description) held \(words.heldExecutor(threadName: thread))"
            message += " for \(DisplayText.duration(held))"
            if let state = occurrence.state { message += " (\(state.rawValue))" }
            return Finding(
                rule: .blockingCall, span: occurrence.span, begin: occurrence.begin, end: occurrence.end,
                costNanoseconds: held, message: message, advice: words.advice(for: occurrence.state),
                site: occurrence.site, state: occurrence.state, waitedNanoseconds: occurrence.waitedNanoseconds)
        }
    }
}
