import Hummingbird
import LanesTracing
import Logging
import NIOCore
import NIOPosix
import Tracing

#if canImport(Glibc)
import Glibc
#endif

// The scenario server: bootstraps the tracer it was asked for, listens on loopback, prints
// `listening on 127.0.0.1:PORT` once ready, and stops on SIGINT or SIGTERM, after which the
// recording is finished (by `LanesTracer`'s process-wide recording, at exit).

let configuration: ScenarioConfiguration
switch ScenarioConfiguration.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(let parsed): configuration = parsed
case .failure(let error):
    ScenarioOutput.error("ServerScenario: \(error.message)\n\(ScenarioConfiguration.usage)")
    exit(2)
}

// SwiftNIO's takeover must come first, from the main thread, before any job is enqueued; Lanes'
// tracer then finds the hook taken and records spans only.
if configuration.nioTakeover {
    let installed = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    ScenarioOutput.line("nio takeover \(installed ? "installed" : "refused")")
}

let tracer: LanesTracer?
switch configuration.tracer {
case .lanes:
    let lanes = LanesTracer()
    InstrumentationSystem.bootstrap(lanes)
    tracer = lanes
case .none:
    tracer = nil
}

var logger = Logger(label: "ServerScenario")
logger.logLevel = .warning
let tracerName = configuration.tracer.rawValue
let application = Application(
    router: ScenarioRoutes.router(),
    configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: "ServerScenario"),
    onServerRunning: { channel in
        ScenarioOutput.line("listening on 127.0.0.1:\(channel.localAddress?.port ?? 0) tracer \(tracerName)")
    },
    logger: logger
)
do {
    try await application.runService()
} catch {
    ScenarioOutput.error("ServerScenario: \(error)")
    exit(1)
}
tracer?.forceFlush()
ScenarioOutput.line("stopped")
