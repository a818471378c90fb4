#if canImport(Glibc)
import Glibc
#endif

/// How the scenario server was asked to run: from its arguments, else its environment.
struct ScenarioConfiguration {
    /// Which tracer the server bootstraps.
    enum TracerChoice: String {
        /// `LanesTracer`: records to `$LANES_TRACE` (nothing when it is unset).
        case lanes
        /// No tracer bootstrapped: the middleware's spans go to swift-distributed-tracing's no-op tracer.
        case none
    }

    /// The loopback port to listen on; 0 picks a free one (printed when ready).
    var port = 0
    var tracer = TracerChoice.lanes
    /// Whether SwiftNIO takes over Swift Concurrency's global executor (its event loops run every
    /// job) before the tracer starts: Lanes must then refuse job capture and still record spans.
    var nioTakeover = false

    static let usage = "usage: ServerScenario [--port N] [--tracer lanes|none] [--nio-takeover]  (or SCENARIO_PORT, SCENARIO_TRACER, SCENARIO_NIO_TAKEOVER=1)"

    /// Reads `--port N`, `--tracer NAME` and `--nio-takeover`, falling back to `SCENARIO_PORT`,
    /// `SCENARIO_TRACER` and `SCENARIO_NIO_TAKEOVER=1`. Returns a message for anything else.
    static func parse(_ arguments: [String]) -> Result<ScenarioConfiguration, ScenarioUsageError> {
        var configuration = ScenarioConfiguration()
        var values: [String: String] = [:]
        if let port = getenv("SCENARIO_PORT") { values["--port"] = String(cString: port) }
        if let tracer = getenv("SCENARIO_TRACER") { values["--tracer"] = String(cString: tracer) }
        if let takeover = getenv("SCENARIO_NIO_TAKEOVER") { configuration.nioTakeover = String(cString: takeover) == "1" }
        var remaining = arguments[...]
        while let option = remaining.popFirst() {
            if option == "--nio-takeover" {
                configuration.nioTakeover = true
                continue
            }
            guard option == "--port" || option == "--tracer" else {
                return .failure(ScenarioUsageError(message: "unknown argument \(option)"))
            }
            guard let value = remaining.popFirst() else {
                return .failure(ScenarioUsageError(message: "\(option) needs a value"))
            }
            values[option] = value
        }
        if let text = values["--port"] {
            guard let port = Int(text), (0...65535).contains(port) else {
                return .failure(ScenarioUsageError(message: "port \(text) is not a number from 0 to 65535"))
            }
            configuration.port = port
        }
        if let text = values["--tracer"] {
            guard let tracer = TracerChoice(rawValue: text) else {
                return .failure(ScenarioUsageError(message: "tracer \(text) is not lanes or none"))
            }
            configuration.tracer = tracer
        }
        return .success(configuration)
    }
}

/// A mistake in the server's arguments or environment.
struct ScenarioUsageError: Error {
    let message: String
}
