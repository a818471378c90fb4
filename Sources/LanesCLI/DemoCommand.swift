import ArgumentParser

/// `lanes demo`: not built yet.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("'lanes demo' is not built yet.")
    }
}
