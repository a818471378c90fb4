import ArgumentParser

/// `lanes convert IN OUT`: rewrites a trace in another format, chosen by OUT's extension.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a trace between .lanes, Chrome Trace Event JSON and OTLP JSON.",
        discussion: """
            The input format is detected from the content. The output format comes from OUT's \
            extension (.lanes, .json for Chrome JSON, .otlp.json for OTLP JSON) or from --format.
            Example: lanes convert run.lanes run.json   (then open run.json in ui.perfetto.dev)
            """
    )

    @Argument(help: "The trace to read (.lanes, Chrome JSON or OTLP JSON).")
    var input: String

    @Argument(help: "The file to write; '-' writes to standard output (then --format is required).")
    var output: String

    @Option(help: "The output format, overriding OUT's extension: \(TraceOutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: TraceOutputFormat?

    func validate() throws {
        if format == nil && TraceOutputFormat(fileName: output) == nil {
            throw ValidationError("Cannot tell the output format from '\(output)': name it .lanes, .json or .otlp.json, or pass --format.")
        }
    }

    func run() async throws {
        let loaded = try AnalysisCommandSupport.loadTrace(path: input)
        let format = self.format ?? TraceOutputFormat(fileName: output) ?? .lanes
        try TraceOutput.write(format.encode(loaded.trace), to: output)
    }
}
