import LanesModel

/// The watchdog's lines of the canonical text (`Traces/FORMAT.md` §8): its settings, the loaded
/// images, the samples with their stacks, and the symbols of the stacks' addresses.
extension LanesConformanceText {
    /// The `watchdog` line and the `image` lines (in the order read).
    static func watchdogLines(_ trace: Trace) -> [String] {
        var lines: [String] = []
        if let watchdog = trace.metadata.watchdog {
            lines.append("watchdog \(watchdog.isOn ? "on" : "off") \(watchdog.firstSampleNanoseconds) \(watchdog.intervalNanoseconds) \(watchdog.signal) \(quoted(watchdog.note))")
        }
        for image in trace.sampling.images {
            let buildID = image.buildID.isEmpty ? "-" : hex(image.buildID)
            lines.append("image \(address(image.base)) \(address(image.textStart)) \(address(image.textEnd)) \(buildID) \(image.fileSize) \(image.fileModifiedNanoseconds) \(quoted(image.path))")
        }
        return lines
    }

    /// The `sample` lines, sorted by (thread id, time, the line's text), then the `symbol` lines
    /// of the stacks' addresses (ascending) and the `symbols note` lines.
    static func sampleLines(_ trace: Trace) -> [String] {
        let sampling = trace.sampling
        let samples = sampling.samples.map { sample -> (thread: UInt64, time: Int64, line: String) in
            let thread = trace.threads[Int(sample.thread)].id
            let task = sample.task >= 0 ? "\(trace.tasks[Int(sample.task)].id)" : "-"
            let state = quoted(String(Unicode.Scalar(sample.state)))
            let line = "sample thread \(thread) task \(task) \(sample.time) \(sample.jobStarted) \(state) \(address(UInt64(sample.flags.rawValue))) \(sample.cpuNanoseconds) \(sample.runQueueNanoseconds) stack \(stackText(sample.stack, sampling.stacks))"
            return (thread, sample.time, line)
        }
        var lines = samples.sorted {
            ($0.thread, $0.time) != ($1.thread, $1.time)
                ? ($0.thread, $0.time) < ($1.thread, $1.time)
                : Array($0.line.utf8).lexicographicallyPrecedes(Array($1.line.utf8))
        }.map(\.line)
        if let symbols = sampling.symbols {
            let addresses = sampling.stacks.addresses.indices.sorted { sampling.stacks.addresses[$0] < sampling.stacks.addresses[$1] }
            for index in addresses {
                for location in symbols.locations(ofAddress: index) {
                    lines.append("symbol \(address(sampling.stacks.addresses[index])) \(quoted(location.function)) \(quoted(location.file)) \(location.line) \(location.isAppCode ? "app" : "-")")
                }
            }
            lines += symbols.notes.map { "symbols note \(quoted($0))" }
        }
        return lines
    }

    /// A stack's frames as the file recorded them (`[0x…,0x…]`, the program counter first, then
    /// return addresses), `-` for none.
    private static func stackText(_ stack: Int32, _ stacks: StackTable) -> String {
        guard stack >= 0 else { return "-" }
        // The table keeps return addresses minus one (the call's address); add it back.
        let frames = stacks.frames(ofStack: Int(stack)).enumerated().map { position, frame in
            address(position == 0 ? stacks.addresses[Int(frame)] : stacks.addresses[Int(frame)] &+ 1)
        }
        return "[" + frames.joined(separator: ",") + "]"
    }

    private static func address(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
