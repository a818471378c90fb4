import ArgumentParser

/// `lanes export FILE --format chrome|otlp`: writes a trace for other tools.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trace as Chrome Trace Event JSON or OTLP JSON.",
        discussion: """
            chrome: a JSON array that ui.perfetto.dev, chrome://tracing and speedscope open.
            otlp:   an ExportTraceServiceRequest in OTLP JSON, for an OpenTelemetry collector \
            (e.g. curl -X POST -H 'Content-Type: application/json' --data-binary @out.json \
            http://localhost:4318/v1/traces).
            """
    )

    @Argument(help: "The trace to export (.lanes, Chrome JSON or OTLP JSON).")
    var file: String

    @Option(help: "chrome (Perfetto, chrome://tracing, speedscope) or otlp (an OpenTelemetry collector).")
    var format: ExportFormat

    @Option(name: .shortAndLong, help: "Write here instead of standard output.")
    var output: String?

    func validate() throws {
        if format == .lanes {
            throw ValidationError("'lanes export' writes chrome or otlp; to write .lanes use 'lanes convert \(file) OUT.lanes'.")
        }
    }

    func run() async throws {
        let loaded = try AnalysisCommandSupport.loadTrace(path: file)
        try TraceOutput.write(format.output.encode(loaded.trace), to: output)
    }
}

/// The formats `lanes export` writes. `lanes` is understood (to point at `lanes convert`) but
/// not offered, so `--help` lists only what export does.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case chrome, otlp, lanes

    static var allValueStrings: [String] { ["chrome", "otlp"] }

    /// The writer for this format.
    var output: TraceOutputFormat {
        switch self {
        case .chrome: .chrome
        case .otlp: .otlp
        case .lanes: .lanes
        }
    }
}
