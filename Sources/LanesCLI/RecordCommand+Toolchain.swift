import Foundation

/// `lanes record -- swift run App` and `swift test`: the toolchain builds the program and starts
/// it in a process of its own (an exec, or a child), which the preload library does not follow:
/// it records the toolchain's own driver and leaves the program unrecorded. Said up front, with
/// the commands that work.
extension RecordCommand {
    /// Options of `swift run` that take a value, so the product is the first word after them.
    private static let valueOptions: Set<String> = [
        "-c", "--configuration", "--package-path", "--scratch-path", "--build-path", "--cache-path",
        "--config-path", "--security-path", "--triple", "--sdk", "--swift-sdk", "--toolchain", "-j", "--jobs",
        "-Xswiftc", "-Xcc", "-Xcxx", "-Xlinker", "--product", "--experimental-destination-selection",
    ]

    /// The one-line error for `command` when it starts the program through `swift run` or
    /// `swift test`, with the commands to use instead (recording into `output`); nil otherwise.
    static func toolchainLaunchProblem(_ command: [String], output: String) -> String? {
        guard let first = command.first else { return nil }
        let tool = URL(fileURLWithPath: first).lastPathComponent
        let subcommand: String
        let rest: ArraySlice<String>
        switch tool {
        case "swift" where command.count >= 2 && ["run", "test"].contains(command[1]):
            subcommand = command[1]
            rest = command.dropFirst(2)
        case "swift-run": subcommand = "run"; rest = command.dropFirst()
        case "swift-test": subcommand = "test"; rest = command.dropFirst()
        default: return nil
        }
        var configuration = "debug"
        var packagePath: String?
        var product: String?
        var arguments: [String] = []
        var words = rest.makeIterator()
        while let word = words.next() {
            if product != nil { arguments.append(word); continue }
            if word == "--" { product = product ?? ""; continue }
            if word == "-c" || word == "--configuration" {
                configuration = words.next() ?? configuration
            } else if word == "--package-path" {
                packagePath = words.next()
            } else if valueOptions.contains(word) {
                _ = words.next()
            } else if !word.hasPrefix("-") {
                product = word
            }
        }
        var build = "swift build"
        if let packagePath { build += " --package-path " + shellWord(packagePath) }
        if configuration != "debug" { build += " -c " + shellWord(configuration) }
        let products = (packagePath.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "") + ".build/\(configuration)/"
        let recording = "lanes record -o \(shellWord(output)) --"
        if subcommand == "test" {
            return "lanes: `swift test` runs your tests in a process of its own, which lanes record does not follow; "
                + "build them, then record the test binary itself: \(build) --build-tests && "
                + "\(recording) \(shellWord(products + "NAMEPackageTests.xctest"))"
        }
        let program = ([products + (product.flatMap { $0.isEmpty ? nil : $0 } ?? "PRODUCT")] + arguments)
            .map(shellWord).joined(separator: " ")
        return "lanes: `swift run` starts your program in a process of its own, which lanes record does not follow; "
            + "build it, then record the program itself: \(build) && \(recording) \(program)"
    }

    /// `word` as a shell reads it back: as it is when it is plain, else in single quotes.
    private static func shellWord(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_./=:,+@%".unicodeScalars.contains(scalar))
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
