import ArgumentParser
import Dispatch
import LanesCollector
import LanesFormat
import LanesTerminal
import LanesViewer

#if canImport(Glibc)
import Glibc
#endif

/// `lanes collect`: receives OTLP/HTTP traces from any OpenTelemetry SDK or collector and
/// writes them into a `.lanes` file as they arrive.
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Receive OpenTelemetry traces over OTLP/HTTP and write them into a .lanes file as they arrive.",
        discussion: """
            Point an exporter at http://HOST:PORT/v1/traces (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
            for the SDKs' defaults); protobuf and JSON bodies, gzip or not. Spans reach the file within \
            about 100 ms, so a killed receiver leaves a readable file and `lanes view --follow FILE` \
            shows them live. Ctrl-C (or SIGTERM) stops and finishes the file.
            """)

    @Option(name: [.short, .customLong("output")], help: "The .lanes file to write (created or truncated).")
    var output: String

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:4318"

    @Flag(help: "Open the viewer on the file and follow it while spans arrive (q quits and stops collecting).")
    var view = false

    /// `--listen` split into host and port.
    static func parseListen(_ text: String) -> (host: String, port: Int)? {
        var host = Substring(text)
        var portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            // [::1]:4318
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (String(host), port)
    }

    func validate() throws {
        guard Self.parseListen(listen) != nil else {
            throw ValidationError("--listen takes HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:4318 or [::1]:4318, not '\(listen)'.")
        }
    }

    func run() async throws {
        guard let (host, port) = Self.parseListen(listen) else { throw ExitCode(2) }
        let configuration = OTLPCollector.Configuration(host: host, port: port, outputPath: output)
        let collector: OTLPCollector
        do {
            collector = try await OTLPCollector.start(configuration)
        } catch {
            ViewCommand.printError(error.description)
            throw ExitCode(error.kind == .cannotListen ? 5 : 4)
        }
        let displayHost = host.contains(":") ? "[\(host)]" : host
        let environment = ViewCommand.environment()
        let canView = isatty(STDOUT_FILENO) == 1 && environment["TERM"] != nil && environment["TERM"] != "dumb"
        if view && canView {
            let document = try ViewCommand.loadDocument(path: output, quiet: true)
            do {
                try ViewCommand.follow(path: output, document: document, theme: Theme.detect(environment: environment))
            } catch let error as TerminalScreen.StartError {
                ViewCommand.printError("lanes: \(error.description)")
            }
        } else {
            if view {
                ViewCommand.printError("lanes: standard output is not a terminal; collecting without the viewer")
            }
            ViewCommand.printError(
                "lanes: receiving OTLP/HTTP traces at http://\(displayHost):\(collector.port)/v1/traces into \(output) (Ctrl-C stops)")
            await Self.waitForStopSignal()
        }
        let failure = await collector.stop()
        let statistics = collector.statistics
        var line = "lanes: \(output): \(counted(statistics.writtenSpans, "span")) from \(counted(statistics.acceptedRequests, "request"))"
        if statistics.rejectedSpans > 0 { line += ", \(counted(statistics.rejectedSpans, "span")) rejected (invalid ids)" }
        if statistics.refusedRequests > 0 { line += ", \(counted(statistics.refusedRequests, "request")) refused" }
        ViewCommand.printError(line)
        if let failure {
            ViewCommand.printError(failure.description)
            throw ExitCode(4)
        }
    }

    /// Returns when SIGINT or SIGTERM arrives.
    static func waitForStopSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "lanes-collect-signals")
            let resumed = SignalOnce(continuation)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume() }
                source.resume()
                SignalOnce.keep(source)
            }
        }
    }
}

/// Resumes a continuation once, from whichever signal comes first.
private final class SignalOnce: @unchecked Sendable {
    // Touched only on the signal queue (serial), after `init`.
    private var continuation: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func resume() {
        continuation?.resume()
        continuation = nil
    }

    /// Keeps a signal source alive for the rest of the process.
    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}
