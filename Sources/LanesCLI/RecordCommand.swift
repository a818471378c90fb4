import ArgumentParser

/// `lanes record`: not built yet.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("'lanes record' is not built yet.")
    }
}
