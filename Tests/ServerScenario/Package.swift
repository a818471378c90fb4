// swift-tools-version:6.1
import PackageDescription

/// A real HTTP server recorded by Lanes: Hummingbird 2 with its `TracingMiddleware` and
/// `LanesTracer`, with routes that block, compute, behave and do nothing. `.ci/run` builds it,
/// drives it with `wrk` and checks what `lanes summary` finds (`Tests/ServerScenario/check.py`);
/// `bench.py` measures what recording costs it.
///
/// A package of its own, depending on Lanes by path, so that the Lanes package never pulls in a
/// web framework.
let package = Package(
    name: "ServerScenario",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Lanes", path: "../.."),
        // Without its default traits (swift-configuration, full Foundation): nothing here uses them,
        // and they add minutes to a first build.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Already a dependency of Hummingbird: named for NIOPosix's own global-executor takeover,
        // which Lanes must refuse to replace (`--nio-takeover`).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .executableTarget(name: "ServerScenario", dependencies: [
            .product(name: "LanesTracing", package: "Lanes"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
