import Foundation
import LanesAnalysis
import LanesModel
@testable import LanesSymbols
import Testing

/// Symbolication of a real recording: which frames are the app's, and the one-line notes when a
/// file changed since the recording or llvm-symbolizer is missing (nothing fails then).
@Suite struct SymbolicationTests {
    @Test func appCodeAndNotes() async throws {
        let (trace, _) = try await ScenarioRecording.record("blocking-scenario-lanes")
        let sampling = trace.sampling
        let symbols = try #require(sampling.symbols)
        #expect(symbols.notes.isEmpty)

        // Which locations count as the app's own code.
        var appFunctions: Set<String> = []
        var otherFiles: Set<String> = []
        for address in sampling.stacks.addresses.indices {
            for location in symbols.locations(ofAddress: address) {
                if location.isAppCode {
                    appFunctions.insert(location.function)
                } else if !location.file.isEmpty {
                    otherFiles.insert(location.file.split(separator: "/").last.map(String.init) ?? "")
                }
            }
        }
        #expect(appFunctions.contains("static Sleeper.legacyCall()"))
        #expect(appFunctions.allSatisfy { !$0.contains("WorkerPool") && !$0.contains("lanes_") && !$0.contains("Thread.") })
        #expect(otherFiles.contains("WorkerPool.swift"))  // Lanes' own
        #expect(otherFiles.contains("ExecutorHooks.c"))   // Lanes' own C
        #expect(otherFiles.contains { $0.hasPrefix("clock_nanosleep") || $0 == "nanosleep.c" })  // the system's

        // A library rebuilt since the recording (another build id) is left alone, in one line.
        let libc = try #require(sampling.images.firstIndex { $0.path.hasSuffix("/libc.so.6") && !$0.buildID.isEmpty })
        var images = sampling.images
        images[libc].buildID = Array(repeating: 0xAB, count: 20)
        let changed = TraceSymbolication.symbols(for: Sampling(samples: sampling.samples, stacks: sampling.stacks, images: images, symbols: nil))
        #expect(changed.notes == ["\(images[libc].path) has changed since the recording (its build id differs): its frames are not symbolicated"])
        let libcAddresses = sampling.stacks.addressImage.indices.filter { sampling.stacks.addressImage[$0] == Int32(libc) }
        #expect(!libcAddresses.isEmpty)
        #expect(libcAddresses.allSatisfy { changed.locations(ofAddress: $0).isEmpty })
        // The program's own frames are still symbolicated.
        #expect(changed.locations.contains { $0.function == "static Sleeper.legacyCall()" })

        // A file without a build id is checked by its size and modification time.
        let program = try #require(sampling.images.first { $0.path.hasSuffix("/blocking-scenario-lanes") })
        #expect(!program.buildID.isEmpty)
        #expect(program.fileSize > 0)
        var withoutBuildID = program
        withoutBuildID.buildID = []
        #expect(TraceSymbolication.fileProblem(withoutBuildID) == nil)
        withoutBuildID.fileSize += 1
        #expect(TraceSymbolication.fileProblem(withoutBuildID) == "has changed since the recording (its size or modification time differs)")

        // Without llvm-symbolizer: one note, no symbols, nothing fails.
        let none = TraceSymbolication.symbols(for: Sampling(samples: sampling.samples, stacks: sampling.stacks, images: sampling.images, symbols: nil), environment: ["PATH": "/nonexistent"])
        #expect(none.notes == ["llvm-symbolizer was not found on PATH or beside swift: stacks have no function names or lines"])
        #expect(none.locations.isEmpty)
    }

    @Test("the module a mangled Swift name starts in", arguments: [
        ("$s16BlockingScenario7SleeperO10legacyCallyyFZ", "BlockingScenario"),
        ("_$s5Lanes10WorkerPoolC3run", "Lanes"),
        ("$sSa6appendyyxnF", "Swift"),
        ("$ss27_finalizeUninitializedArrayySayxGABnlF", "Swift"),
        ("$sScT5sleep11nanosecondsys6UInt64V_tYaKFZ", "_Concurrency"),
        ("clock_nanosleep", nil),
        ("_ZN5swift34runJobInEstablishedExecutorContextEPNS_3JobE", nil),
        ("$s99Short", nil),
    ] as [(String, String?)])
    func mangledModules(name: String, module: String?) {
        #expect(AppCodeClassifier.mangledModule(of: name) == module)
    }

    @Test func appCodeRules() {
        let classifier = AppCodeClassifier(images: [
            LoadedImage(path: "/opt/swift/usr/lib/swift/linux/libswiftCore.so", base: 0, textStart: 0, textEnd: 1, buildID: []),
        ])
        let app = "/home/me/app/.build/debug/App"
        #expect(classifier.isAppCode(imagePath: app, file: "/home/me/app/Sources/App/main.swift", mangledModule: "App"))
        #expect(classifier.isAppCode(imagePath: app, file: "", mangledModule: nil))
        #expect(!classifier.isAppCode(imagePath: app, file: "/home/me/app/.build/checkouts/swift-nio/Sources/NIOPosix/Thread.swift", mangledModule: "NIOPosix"))
        #expect(!classifier.isAppCode(imagePath: app, file: "/src/lanes/Sources/Lanes/WorkerPool.swift", mangledModule: "Lanes"))
        #expect(!classifier.isAppCode(imagePath: app, file: "", mangledModule: "LanesTracing"))
        #expect(!classifier.isAppCode(imagePath: app, file: "", mangledModule: "Swift"))
        #expect(!classifier.isAppCode(imagePath: "/opt/swift/usr/lib/swift/linux/libFoundation.so", file: "", mangledModule: "Foundation"))
        #expect(!classifier.isAppCode(imagePath: "/lib/x86_64-linux-gnu/libc.so.6", file: "nanosleep.c", mangledModule: nil))
        #expect(!classifier.isAppCode(imagePath: "linux-vdso.so.1", file: "", mangledModule: nil))
        // Dependencies checked out under another build folder of the package are not the app's.
        #expect(!classifier.isAppCode(imagePath: app, file: "/home/me/app/.build/server/checkouts/swift-nio/Sources/NIOCore/ByteBuffer.swift", mangledModule: nil))
        #expect(classifier.isAppCode(imagePath: app, file: "/home/me/checkouts/app/Sources/App/main.swift", mangledModule: "App"))
        #expect(!classifier.isAppCode(imagePath: app, file: "<compiler-generated>", mangledModule: "NIOPosix"))
        #expect(!classifier.isAppCode(imagePath: app, file: "/home/me/app/<compiler-generated>", mangledModule: "App"))
    }

    @Test("dependencies checked out under a --scratch-path are known by SwiftPM's workspace state")
    func scratchPathCheckouts() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-scratch-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.path + "/checkouts/swift-nio/Sources/NIOConcurrencyHelpers/NIOLock.swift"
        #expect(!AppCodeClassifier.isCheckedOutDependency(file))
        try Data("{}".utf8).write(to: scratch.appendingPathComponent("workspace-state.json"))
        #expect(AppCodeClassifier.isCheckedOutDependency(file))
    }
}

/// An image built without debug information: the function is named, but no file is made up.
@Suite struct SymbolicationWithoutDebugInfoTests {
    @Test("a function of an image without debug information gets its name and no file")
    func noFileWithoutLine() throws {
        let tools = SymbolizerTools.find()
        let symbolizer = try #require(tools.symbolizer, "llvm-symbolizer is part of the toolchain")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-nodebug-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("work.c")
        try "int lanes_test_work(int n) { int x = 0; for (int i = 0; i < n; i++) x += i * 31; return x; }\nint main(int c, char **v) { return lanes_test_work(c); }\n"
            .write(to: source, atomically: true, encoding: .utf8)
        let binary = folder.appendingPathComponent("work").path
        let built = SymbolizerTools.run("/usr/bin/env", arguments: ["clang", "-O1", "-g0", source.path, "-o", binary], input: "")
        try #require(built != nil, "clang builds the program")
        let symbols = try #require(SymbolizerTools.run("/usr/bin/env", arguments: ["nm", binary], input: ""))
        let line = try #require(symbols.split(separator: "\n").first { $0.hasSuffix(" lanes_test_work") })
        let address = try #require(UInt64(line.split(separator: " ")[0], radix: 16))

        let located = try #require(TraceSymbolication.symbolizeWithLines([address + 4], in: binary, with: symbolizer))
        let innermost = try #require(located.first?.first)
        #expect(innermost.function == "lanes_test_work")
        #expect(innermost.line == 0)
        #expect(innermost.file.isEmpty, "no line, so no file: got \(innermost.file)")
    }
}
