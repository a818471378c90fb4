import ArgumentParser

/// `lanes export`: not built yet.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("'lanes export' is not built yet.")
    }
}
