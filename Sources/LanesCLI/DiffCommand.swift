import ArgumentParser

/// `lanes diff`: not built yet.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "diff", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("'lanes diff' is not built yet.")
    }
}
