extension Lanes {
    /// A rule that makes a flight recorder write a dump when something goes wrong.
    ///
    /// Rules are checked when a span ends, on the thread that ends it, at the cost of one compare
    /// for spans that do not match. A rule fires at most once per window length, so a burst of
    /// slow requests writes one dump, not one per request.
    public enum FlightTrigger: Sendable, Equatable, CustomStringConvertible {
        /// A span named `name` that lasted at least `threshold` (a request slower than 500 ms:
        /// `.slowSpan("GET /inbox", longerThan: .milliseconds(500))`).
        case slowSpan(String, longerThan: Duration)
        /// A synchronous span that held an executor thread for at least `threshold`: a blocking
        /// call inside async code, as `lanes summary`'s `blocking-call` rule sees it.
        case blocking(longerThan: Duration)

        /// The threshold in nanoseconds.
        var thresholdNanoseconds: Int64 {
            let threshold: Duration
            switch self {
            case .slowSpan(_, let longerThan): threshold = longerThan
            case .blocking(let longerThan): threshold = longerThan
            }
            let (seconds, attoseconds) = threshold.components
            return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
        }

        /// `span NAME > 500ms` or `blocking > 100ms`: what a dump's window record says fired.
        public var description: String {
            switch self {
            case .slowSpan(let name, _): "span \(name) > \(thresholdNanoseconds / 1_000_000)ms"
            case .blocking: "blocking > \(thresholdNanoseconds / 1_000_000)ms"
            }
        }

        /// Parses `LANES_FLIGHT_TRIGGER` entries: `span:NAME>500ms` or `blocking>100ms`; nil when
        /// the text is neither.
        init?(parsing text: String) {
            guard let separator = text.lastIndex(of: ">"),
                  let threshold = EnvironmentSettings.nanoseconds(String(text[text.index(after: separator)...])),
                  threshold > 0
            else { return nil }
            let subject = text[..<separator].trimmingSpaces
            let duration = Duration.nanoseconds(threshold)
            if subject == "blocking" {
                self = .blocking(longerThan: duration)
            } else if subject.hasPrefix("span:"), subject.count > 5 {
                self = .slowSpan(String(subject.dropFirst(5)), longerThan: duration)
            } else {
                return nil
            }
        }
    }
}

/// A flight recorder's rules in the form the span path checks: a name's string id and a
/// threshold, so that a span that matches no rule costs one compare.
struct FlightTriggerSet: Sendable {
    struct SlowSpan: Sendable {
        let nameID: UInt32
        let threshold: Int64
        let trigger: Lanes.FlightTrigger
    }

    let slowSpans: [SlowSpan]
    /// The blocking rule's threshold, `Int64.max` when there is none.
    let blockingThreshold: Int64
    let blockingTrigger: Lanes.FlightTrigger?

    /// The rule `span` fires, if any: `nameID` is its name's string id (0 when it was written
    /// inline), `onExecutor` whether it is a synchronous span that held an executor thread.
    @inline(__always)
    func firedRule(nameID: UInt32, duration: Int64, heldExecutorThread: Bool) -> Lanes.FlightTrigger? {
        if heldExecutorThread, duration >= blockingThreshold { return blockingTrigger }
        for rule in slowSpans where rule.nameID == nameID && nameID != 0 && duration >= rule.threshold {
            return rule.trigger
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
