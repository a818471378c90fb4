import ArgumentParser
import LanesAnalysis
import LanesFormat
import LanesModel
import LanesSymbols
import LanesTerminal
import LanesViewer

#if canImport(Glibc)
import Glibc
import LanesWriter
#endif

/// `lanes view`: draws a trace as lanes on a timeline in the terminal.
struct ViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Draw a trace as lanes on a timeline: what blocked, what overlapped, what waited.",
        discussion: """
            Keys: arrows or hjkl move and pan, + and - zoom, 0 fits the trace, Enter folds or zooms \
            to a span, / searches (n, N), b and B jump between blocking spans, f lists findings, \
            t switches between tasks and threads, ? shows every key, q quits.
            When standard output is not a terminal, one frame is printed instead (as with --print).
            """)

    /// When to colour a printed frame.
    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Argument(help: "The trace: a .lanes file, Chrome Trace Event JSON or OTLP JSON.")
    var file: String

    @Option(help: ArgumentHelp("A second trace to compare with FILE, drawn on the same time axis.", valueName: "FILE2"))
    var diff: String?

    @Option(help: ArgumentHelp("With --diff: align the runs at the first span with this name (or path) found in both, instead of at their first root span.", valueName: "NAME"))
    var align: String?

    @Flag(help: "Keep reading FILE as it grows and extend the view.")
    var follow = false

    @Flag(help: "Print one frame to standard output instead of opening the interactive viewer.")
    var print = false

    @Option(help: "Width of the printed frame in columns (1-4096; default: the terminal's, else 120).")
    var width: Int?

    @Option(help: "Height of the printed frame in rows (1-2048; default: the terminal's, else 40).")
    var height: Int?

    @Option(help: "Colour the printed frame: auto (when standard output is a terminal), always or never.")
    var color: ColorChoice = .auto

    func validate() throws {
        if let width, !(1...4096).contains(width) {
            throw ValidationError("--width must be between 1 and 4096 columns, not \(width).")
        }
        if let height, !(1...2048).contains(height) {
            throw ValidationError("--height must be between 1 and 2048 rows, not \(height).")
        }
        if align != nil, diff == nil {
            throw ValidationError("--align applies to the diff view: lanes view A --diff B --align NAME.")
        }
        if follow, diff != nil {
            throw ValidationError("--follow cannot be combined with --diff; follow one file at a time.")
        }
    }

    func run() async throws {
        let environment = Self.environment()
        let document = try Self.loadDocument(path: file)
        var theme = Theme.detect(environment: environment)
        let outputIsTerminal = isatty(STDOUT_FILENO) == 1
        let dumb = environment["TERM"] == "dumb" || environment["TERM"] == nil

        var diffDocument: ViewerDocument?
        if let diff { diffDocument = try Self.loadDocument(path: diff) }

        if print || !outputIsTerminal || dumb {
            if !print {
                let reason = outputIsTerminal ? "TERM is \(environment["TERM"] ?? "unset")" : "standard output is not a terminal"
                Self.printError("lanes: \(reason); printing one frame instead of the interactive viewer (--print chooses its size)")
            }
            if dumb { theme = .ascii }
            let size = GridSize(
                width: width ?? Self.terminalColumns(environment) ?? 120,
                height: height ?? Self.terminalLines(environment) ?? 40)
            let grid: CellGrid
            if let diffDocument {
                var state = DiffViewState(a: document, b: diffDocument, size: size, theme: theme)
                if let align, !state.align(atSpanNamed: align) {
                    Self.printError("lanes: no span named '\(SafeText.sanitize(align))' in both runs; aligned at the first root span")
                }
                grid = DiffRenderer.render(state, size: size)
            } else {
                let state = ViewState(document: document, size: size, theme: theme)
                grid = ViewRenderer.render(state, document, size: size)
            }
            let colour = color == .always || (color == .auto && outputIsTerminal)
            Self.writeOut(colour ? grid.ansiText : grid.text)
            return
        }

        do {
            if let diffDocument {
                try TerminalViewer.runDiff(a: document, b: diffDocument, theme: theme, alignAt: align)
            } else if follow {
                try Self.follow(path: file, document: document, theme: theme)
            } else {
                try TerminalViewer.run(document: document, theme: theme)
            }
        } catch let error as TerminalScreen.StartError {
            Self.printError("lanes: \(error.description)")
            throw ExitCode(1)
        }
    }

    /// Runs the interactive viewer on `document`, read from `path`, and keeps re-reading the
    /// file as it grows (`--follow`, and `lanes collect --view`).
    static func follow(path: String, document: ViewerDocument, theme: Theme) throws {
        // Re-read on a thread of its own, so keys are answered while a big file loads.
        let followed = FollowedFile(path: path) { path in try? Self.loadDocument(path: path, quiet: true) }
        defer { followed.stop() }
        try TerminalViewer.run(document: document, theme: theme, reload: followed.takeNewest)
    }

    /// Reads, analyses and indexes the trace at `path`, with progress on stderr for big files.
    /// Unreadable input prints one line and exits with code 3.
    static func loadDocument(path: String, quiet: Bool = false) throws -> ViewerDocument {
        var status = stat()
        let size = stat(path, &status) == 0 ? Int(status.st_size) : 0
        let showProgress = !quiet && size >= 8 << 20 && isatty(STDERR_FILENO) == 1
        let megabytes = (size + (1 << 19)) >> 20
        // Reading is most of the wait: a bar that follows the decoder, then the later stages.
        func bar(_ fraction: Double) -> String {
            let filled = max(0, min(20, Int((fraction * 20).rounded(.down))))
            return "[" + String(repeating: "#", count: filled) + String(repeating: "·", count: 20 - filled) + "]"
        }
        if showProgress { progress("lanes: reading \(path) (\(megabytes) MB) \(bar(0))   0%") }
        var result: TraceLoadResult
        do {
            result = try TraceLoader.load(path: path, progress: showProgress ? { fraction in
                // On a million spans reading takes about 45% of the load, analysis 30%, indexing 25%.
                let overall = fraction * 0.45
                progress("lanes: reading \(path) (\(megabytes) MB) \(bar(overall)) \(Int(overall * 100))%")
            } : nil)
        } catch let error as TraceFileError {
            if showProgress { progress("") }
            printError(error.description)
            throw ExitCode(3)
        }
        if !quiet {
            if showProgress { progress("") }
            for warning in result.warnings { printError("lanes: \(path): \(warning.message)") }
        }
        TraceSymbolication.symbolicateIfNeeded(&result.trace) { if !quiet { printError("lanes: \($0)") } }
        if showProgress { progress("lanes: analysing and indexing \(result.trace.spanCount) spans \(bar(0.45)) 45%") }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let document = ViewerDocument(analysing: result.trace, title: name)
        if showProgress { progress("") }
        // Reading freed far more than the document keeps: give it back rather than stay at the peak.
        FreedMemory.returnToSystem()
        return document
    }

    /// Rewrites the current stderr line (progress while loading).
    static func progress(_ text: String) {
        writeAll("\r\u{1B}[K" + text, to: STDERR_FILENO)
    }

    static func printError(_ line: String) {
        writeAll(line + "\n", to: STDERR_FILENO)
    }

    static func writeOut(_ text: String) {
        writeAll(text, to: STDOUT_FILENO)
    }

    /// Writes all of `text` to a file descriptor, retrying short writes.
    static func writeAll(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return }
            written += count
        }
    }

    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        for key in ["TERM", "LANG", "LC_ALL", "LC_CTYPE", "COLUMNS", "LINES"] {
            if let value = getenv(key) { result[key] = String(cString: value) }
        }
        return result
    }

    /// The terminal's width: from the terminal itself, else $COLUMNS.
    static func terminalColumns(_ environment: [String: String]) -> Int? {
        var window = winsize()
        for descriptor in [STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO] where ioctl(descriptor, UInt(TIOCGWINSZ), &window) == 0 && window.ws_col > 0 {
            return Int(window.ws_col)
        }
        return environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The terminal's height: from the terminal itself, else $LINES.
    static func terminalLines(_ environment: [String: String]) -> Int? {
        var window = winsize()
        for descriptor in [STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO] where ioctl(descriptor, UInt(TIOCGWINSZ), &window) == 0 && window.ws_row > 0 {
            return Int(window.ws_row)
        }
        return environment["LINES"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }
}
