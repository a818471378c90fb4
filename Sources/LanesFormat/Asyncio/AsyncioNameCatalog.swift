import LanesModel

/// What the asyncio recognition needs to know about each span name of a viztracer trace, parsed
/// once per distinct name (a trace repeats a few thousand names a million times).
struct AsyncioNameCatalog {
    /// The part a name plays in recognising the event loop.
    enum Role: UInt8 {
        /// Any other function.
        case other
        /// A loop iteration (`BaseEventLoop._run_once`): ready callbacks run inside it.
        case iteration
        /// The loop's wait for I/O and timers (`EpollSelector.select`, `select.epoll.poll`).
        case select
        /// Something that only an event loop calls or is: `run_forever`, `run_until_complete`,
        /// `Handle._run` (the callback runner).
        case loopDriver
    }

    /// One parsed name.
    struct Entry {
        var isPythonFrame: Bool
        var role: Role
        var function: String
        var file: String
        var line: Int
    }

    private let strings: StringTable
    private var entries: [Entry?]

    init(strings: StringTable) {
        self.strings = strings
        entries = [Entry?](repeating: nil, count: strings.count)
    }

    /// The parsed form of string `name`.
    mutating func entry(_ name: UInt32) -> Entry {
        let index = Int(name)
        guard index < entries.count else { return Entry(isPythonFrame: false, role: .other, function: "", file: "", line: 0) }
        if let entry = entries[index] { return entry }
        let parsed = ViztracerFrameName(parsing: strings[name])
        let function = String(parsed.function)
        let entry = Entry(
            isPythonFrame: parsed.isPythonFrame, role: Self.role(of: function),
            function: function, file: parsed.file.map(String.init) ?? "", line: parsed.line ?? 0)
        entries[index] = entry
        return entry
    }

    static func role(of function: String) -> Role {
        if function.hasSuffix("_run_once") { return .iteration }
        if function.hasSuffix(".select") || function.hasSuffix(".poll") || function.hasSuffix(".kqueue.control") { return .select }
        if function.hasSuffix("run_forever") || function.hasSuffix("run_until_complete") || function == "Handle._run" {
            return .loopDriver
        }
        return .other
    }

    /// Whether the trace's strings name asyncio's event loop at all (a cheap test for the
    /// `--log_async` hint).
    static func mentionsAsyncioLoop(_ strings: StringTable) -> Bool {
        strings.strings.contains { $0.hasPrefix("BaseEventLoop.run_") || $0.hasPrefix("BaseEventLoop._run_once") }
    }
}
