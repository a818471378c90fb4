import ArgumentParser

/// `lanes convert`: not built yet.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "convert", abstract: "(not built yet)")

    func run() async throws {
        throw ValidationError("'lanes convert' is not built yet.")
    }
}
