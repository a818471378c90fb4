import LanesModel

/// Gives CPU work one site per call, so that one computing call is one finding.
///
/// A thread that sleeps or waits is sampled at the same line every time: the call that blocks.
/// CPU work is sampled wherever its loop happens to be: on several lines, and often in a helper
/// the loop calls (a clock read, a hash), so the occurrences of one call would otherwise split
/// into a finding per line and per helper, none of them counting the calls. Occurrences that were
/// not sleeping or waiting are therefore re-sited: to the outermost caller in their stack that is
/// itself the site of another such occurrence with the same name, then to the most frequent line
/// of that function among them. Sleeping or waiting occurrences keep their exact line.
struct WanderingSites {
    let trace: Trace

    private struct FunctionKey: Hashable {
        var name: String
        var function: String
        var file: String
    }

    func gather(_ occurrences: inout [BlockingOccurrence]) {
        guard trace.sampling.symbols != nil else { return }
        var sited: Set<FunctionKey> = []
        for occurrence in occurrences {
            if let key = Self.key(occurrence) { sited.insert(key) }
        }
        guard !sited.isEmpty else { return }
        var lineCounts: [FunctionKey: [Int: Int]] = [:]
        for index in occurrences.indices {
            guard var key = Self.key(occurrences[index]) else { continue }
            if occurrences[index].stack >= 0 {
                let own = key
                var outermost: CodeLocation?
                for frame in SampleDiagnosis.appFrames(ofStack: Int(occurrences[index].stack), in: trace) {
                    let caller = FunctionKey(name: own.name, function: frame.function, file: frame.filePath)
                    if caller != own, sited.contains(caller) { outermost = frame }
                }
                if let outermost {
                    occurrences[index].site.function = outermost.function
                    occurrences[index].site.file = outermost.filePath
                    occurrences[index].site.line = outermost.line
                    key = FunctionKey(name: own.name, function: outermost.function, file: outermost.filePath)
                }
            }
            lineCounts[key, default: [:]][occurrences[index].site.line, default: 0] += 1
        }
        let lines = lineCounts.mapValues { counts in
            counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
        }
        for index in occurrences.indices {
            if let key = Self.key(occurrences[index]), let line = lines[key] { occurrences[index].site.line = line }
        }
    }

    /// The occurrence's name and function when its site wanders (known, and not sleeping or waiting).
    private static func key(_ occurrence: BlockingOccurrence) -> FunctionKey? {
        guard occurrence.state != .sleepingOrWaiting, let function = occurrence.site.function,
              let file = occurrence.site.file else { return nil }
        return FunctionKey(name: occurrence.site.name, function: function, file: file)
    }
}
