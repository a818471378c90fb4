import Foundation

/// Finds the external tools symbolication uses: `llvm-symbolizer` (addresses to functions and
/// lines) and `swift-demangle` (readable Swift names). Each is looked for on `PATH`, then next
/// to the `swift` found on `PATH` (a Swift toolchain ships both).
struct SymbolizerTools {
    var symbolizer: String?
    var demangler: String?

    /// The tools of this machine, as `environment` (the process's by default) finds them.
    static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> SymbolizerTools {
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        func onPath(_ name: String) -> String? {
            directories.lazy.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        func besideSwift(_ name: String) -> String? {
            guard let swift = onPath("swift") else { return nil }
            let directory = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent().path
            let candidate = "\(directory)/\(name)"
            return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
        }
        return SymbolizerTools(
            symbolizer: onPath("llvm-symbolizer") ?? besideSwift("llvm-symbolizer"),
            demangler: onPath("swift-demangle") ?? besideSwift("swift-demangle"))
    }

    /// Runs `executable` with `arguments`, feeds it `input` and returns what it printed; nil if
    /// it could not be started or failed.
    static func run(_ executable: String, arguments: [String], input: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let standardInput = Pipe()
        let standardOutput = Pipe()
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Input is written on another thread while the output is read here, so neither side
        // can fill its pipe and wait for the other.
        let writer = Thread {
            standardInput.fileHandleForWriting.write(Data(input.utf8))
            try? standardInput.fileHandleForWriting.close()
        }
        writer.start()
        let output = standardOutput.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }
}
