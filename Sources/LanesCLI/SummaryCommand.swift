import ArgumentParser

/// `lanes summary`: not built yet.
struct SummaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("'lanes summary' is not built yet.")
    }
}
