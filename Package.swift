// swift-tools-version:6.0
import PackageDescription

/// Lanes: record what the tasks of a Swift program did, keep it in a compact trace file,
/// and draw it in the terminal as lanes on a timeline.
///
/// Module boundaries follow the design: model ← format ← instrumentation; analysis and
/// viewer read only the model; the CLI wires everything together.
let package = Package(
    name: "Lanes",
    // No `platforms`: Lanes runs on Linux only (glibc, /proc, the Swift runtime's task layout on
    // Linux), tested on x86-64 with Swift 6.3. SwiftPM cannot declare "Linux only", and claiming
    // an Apple platform would be untrue: the code does not build there.
    products: [
        .library(name: "Lanes", targets: ["Lanes"]),
        .library(name: "LanesTracing", targets: ["LanesTracing"]),
        .library(name: "LanesModel", targets: ["LanesModel"]),
        .library(name: "LanesFormat", targets: ["LanesFormat"]),
        .library(name: "LanesAnalysis", targets: ["LanesAnalysis"]),
        .executable(name: "lanes", targets: ["LanesCLI"]),
        // `lanes record` preloads this into programs that never import Lanes; it loads
        // LanesAutostart (Lanes itself) only into dynamically linked Swift programs.
        .library(name: "LanesPreload", type: .dynamic, targets: ["CLanesPreload"]),
        .library(name: "LanesAutostart", type: .dynamic, targets: ["LanesAutostart"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // `lanes collect` only (the LanesCollector target): the OTLP/HTTP server, gzip request
        // bodies and protobuf decoding. The Lanes library an app links depends on none of them.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // The in-memory trace: spans, task-state slices, threads, tasks, strings.
        .target(name: "LanesModel"),
        // The `.lanes` writer (model + chunk encoder + record framing): all an app's recording
        // needs, so apps that link `Lanes` do not link the reader or the Chrome/OTLP/JSON code.
        // Its internals are `package`: tools in this package use them, apps never see them.
        .target(name: "LanesWriter", dependencies: ["CLanesChecksum", "LanesModel"]),
        // The `.lanes` reader, Chrome Trace Event JSON and OTLP JSON, for the CLI and tools.
        .target(name: "LanesFormat", dependencies: ["LanesModel", "LanesWriter"]),
        // CRC-32C with the processor's instruction, for the format's record checksums.
        .target(name: "CLanesChecksum"),
        // Reads the running task's id from the Swift concurrency runtime, cheaply.
        .target(name: "CLanesRuntime"),
        // The instrumentation an app links: spans, bridges, recorder, task-state executor.
        .target(name: "Lanes", dependencies: [
            "CLanesRuntime", "LanesWriter", "LanesModel",
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        // The preload library's C constructor, and the Swift entry point it loads.
        .target(name: "CLanesPreload"),
        .target(name: "LanesAutostart", dependencies: ["Lanes"]),
        // The seed scenario (naive and improved chat handlers), recorded by `lanes demo` and the tests.
        .target(name: "LanesSeed", dependencies: ["Lanes"]),
        // Pure analysis over a Trace: states, occupancy, overlap, critical path, findings, diff.
        .target(name: "LanesAnalysis", dependencies: ["LanesModel"]),
        // View state, actions and the pure renderer into a cell grid.
        .target(name: "LanesViewer", dependencies: ["LanesModel", "LanesAnalysis"]),
        // ncurses, wide-character build.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"])]),
        // The thin ncurses backend: copies cells to the screen, turns keys into actions.
        .target(name: "LanesTerminal", dependencies: ["CNcurses", "LanesViewer"]),
        // A swift-distributed-tracing `Tracer` that records into a Lanes recording.
        .target(name: "LanesTracing", dependencies: [
            "Lanes", "LanesModel",
            .product(name: "Tracing", package: "swift-distributed-tracing"),
        ]),
        // `lanes collect`: an OTLP/HTTP receiver (SwiftNIO, swift-protobuf) writing `.lanes` files.
        // The protobuf code in Generated/ was generated once and is committed (no build plugin).
        .target(name: "LanesCollector", dependencies: [
            "LanesFormat", "LanesModel", "LanesWriter",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ], exclude: ["Generated/README.md", "Generated/rpc_status.proto"]),
        // Symbolication of the watchdog's stacks with llvm-symbolizer (CLI side only: the app's
        // library never runs external tools).
        .target(name: "LanesSymbols", dependencies: ["LanesModel", "LanesFormat", "LanesWriter"]),
        .executableTarget(name: "LanesCLI", dependencies: [
            "LanesModel", "LanesFormat", "LanesWriter", "Lanes", "LanesSeed", "LanesAnalysis",
            "LanesViewer", "LanesTerminal", "LanesSymbols", "LanesCollector",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // A small instrumented app, compiled by every build so the README's example cannot rot.
        .executableTarget(name: "LanesExampleApp", dependencies: ["Lanes", "LanesTracing",
            .product(name: "Tracing", package: "swift-distributed-tracing")]),
        // An async program that blocks its executor threads in the usual ways, for job-capture
        // tests: once without Lanes (recorded by `lanes record`'s preload library), once with it.
        .target(name: "BlockingScenario", path: "Sources/BlockingScenario"),
        .executableTarget(name: "blocking-scenario", dependencies: ["BlockingScenario"]),
        .executableTarget(name: "blocking-scenario-lanes", dependencies: ["BlockingScenario", "Lanes"]),
        // Checks that tasks, sleeps, actors, priorities and cancellation behave the same on Lanes'
        // global executor as on the runtime's (job-capture tests run it as a child process).
        .target(name: "CJobCaptureProbe"),
        .executableTarget(name: "job-capture-probe", dependencies: ["CJobCaptureProbe", "Lanes"]),
        // Deterministic synthetic traces shaped like real programs (a server under load), shared
        // by the tests and the benchmarks.
        .target(name: "LanesSynthetic", dependencies: ["LanesModel"]),
        // Inputs shaped to make the readers work hardest (once quadratic), for tests and benchmarks.
        .target(name: "LanesWorstCases", dependencies: ["LanesFormat", "LanesWriter", "LanesModel"]),
        // `swift run -c release LanesBenchmarks NAME`: the numbers in the README.
        .executableTarget(name: "LanesBenchmarks", dependencies: [
            "CLanesRuntime", "LanesModel", "LanesWriter", "LanesFormat", "Lanes", "LanesAnalysis", "LanesViewer", "LanesTracing",
            "LanesSynthetic", "LanesWorstCases", "LanesCollector",
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
        ]),

        .testTarget(name: "LanesModelTests", dependencies: ["LanesModel"]),
        .testTarget(name: "LanesFormatTests", dependencies: ["LanesFormat", "LanesWriter", "LanesModel", "LanesWorstCases", "LanesTestSupport"],
                    // Fixtures and the Python helpers: the OTLP schema check and the SDK fixture writer.
                    exclude: ["Fixtures", "otlp_schema_check.py", "make_otlp_fixtures.py"]),
        .testTarget(name: "LanesTests", dependencies: ["Lanes", "LanesSeed", "LanesFormat", "LanesModel", "LanesTestSupport"]),
        .testTarget(name: "LanesAnalysisTests", dependencies: [
            "LanesAnalysis", "LanesModel", "LanesFormat", "Lanes", "LanesSeed",
            "LanesSynthetic", "LanesTestSupport",
        ]),
        .testTarget(name: "LanesViewerTests", dependencies: [
            "LanesViewer", "LanesTerminal", "LanesAnalysis", "LanesModel", "LanesFormat",
            "LanesSynthetic",
        ], exclude: ["Golden"]),  // golden screens are read from the source tree, not bundled
        .testTarget(name: "LanesCLITests", dependencies: ["LanesFormat", "LanesWriter", "LanesModel", "LanesSynthetic", "LanesTestSupport"]),
        // The receiver driven by real OpenTelemetry exporters (Python SDK), curl-style posts and SIGKILL.
        .testTarget(name: "LanesCollectorTests", dependencies: [
            "LanesCollector", "LanesFormat", "LanesModel", "LanesWriter",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"), "LanesTestSupport",
        ], exclude: ["otlp_export.py", "Fixtures"]),
        // Python asyncio traces from the real viztracer (the programs and fixtures under Python/ and Fixtures/).
        .testTarget(name: "LanesAsyncioTests", dependencies: [
            "LanesFormat", "LanesModel", "LanesAnalysis", "LanesViewer", "LanesWriter", "LanesTestSupport",
        ], exclude: ["Python", "Fixtures"]),
        // The watchdog end to end: record the blocking scenario, symbolicate, diagnose.
        .testTarget(name: "LanesSymbolsTests", dependencies: [
            "LanesSymbols", "LanesAnalysis", "LanesFormat", "LanesWriter", "LanesModel", "Lanes", "BlockingScenario", "CLanesTestSupport",
            "LanesViewer",  // the viewer's findings list on the recorded scenario
            "LanesTestSupport",
        ]),
        // Thread affinity and posix_spawn's GNU file actions for tests (Swift's Glibc module does not declare them).
        .target(name: "CLanesTestSupport", path: "Tests/CLanesTestSupport"),
        // The tests' one way to run a child process (ChildProcess): both output pipes drained
        // concurrently, exit awaited off the cooperative pool. Test targets only: no product, no
        // library target depends on it.
        .target(name: "LanesTestSupport", dependencies: ["CLanesTestSupport"], path: "Tests/LanesTestSupport"),
        .testTarget(name: "LanesTracingTests", dependencies: [
            "LanesTracing", "Lanes", "LanesFormat", "LanesModel", "LanesTestSupport",
            .product(name: "Tracing", package: "swift-distributed-tracing"),
        ]),
    ]
)
