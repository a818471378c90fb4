import ArgumentParser

/// `lanes view`: not built yet.
struct ViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "view", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("'lanes view' is not built yet.")
    }
}
