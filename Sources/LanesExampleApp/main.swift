// A small instrumented app: a chat server that handles a burst of messages. Run it with
// `lanes record -o chat.lanes -- .build/debug/LanesExampleApp` (or LANES_TRACE=chat.lanes).
//
// Arguments: `--messages N` (default 4) and `--rounds N` (default 1; 0 runs until killed);
// `--tracing` runs the swift-distributed-tracing example (TracingExample.swift) instead, `--serve`
// a TCP server that stops on SIGINT (ServerExample.swift), `--start-stop N` starts and stops a
// recording with task states N times.
import Foundation
import Lanes

/// An incoming chat message.
struct Message: Sendable {
    var author: String
    var text: String
}

/// Looks a user up: an async API, so it suspends instead of blocking.
func loadProfile(of author: String) async throws -> String {
    try await Lanes.span("load_profile", attributes: ["author": author]) {
        try await Task.sleep(for: .milliseconds(20))
        return "\(author)'s profile"
    }
}

/// A legacy blocking call, kept off the executor with `makeAsync`.
let checkSpam = Lanes.makeAsync("check_spam") { (text: String) -> Bool in
    Lanes.syncSpan("spam_model") {
        Thread.sleep(forTimeInterval: 0.03)
        return text.contains("buy now")
    }
}

/// The handler: every call is a root span `on_message "author"`.
let onMessage = Lanes.handler("on_message", label: { (message: Message) in message.author }) {
    (message: Message) async throws -> String in
    let (profile, isSpam) = try await Lanes.gather(
        { try await loadProfile(of: message.author) },
        { await checkSpam(message.text) })
    return isSpam ? "rejected" : "reply to \(profile)"
}

func option(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
        let number = Int(arguments[index + 1])
    else { return value }
    return number
}

/// `--start-stop N`: starts and finishes a recording with task states N times in a row (the
/// tests run it in a child process, so that a hang is a timeout rather than a stuck test run).
func startAndStop(times: Int) async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-start-stop-\(getpid()).lanes").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    for _ in 0..<times {
        let recording = try Lanes.record(to: path)
        try await Lanes.withTaskStates(threads: 2) {
            async let first: Void = Lanes.span("first") { try await Task.sleep(for: .milliseconds(1)) }
            async let second: Void = Lanes.span("second") { await Task.yield() }
            _ = try await (first, second)
            Lanes.syncSpan("third") {}
        }
        await recording.finish()
    }
    print("started and stopped \(times) recordings")
}

if CommandLine.arguments.contains("--start-stop") {
    try await startAndStop(times: option("--start-stop", default: 100))
    exit(0)
}

if CommandLine.arguments.contains("--serve") {
    try await ServerExample.run()
    exit(0)
}

if CommandLine.arguments.contains("--tracing") {
    try await TracingExample.run()
    exit(0)
}

let recording = Lanes.bootstrapFromEnvironment()
let messages = option("--messages", default: 4)
let rounds = option("--rounds", default: 1)
var round = 0
while rounds == 0 || round < rounds {
    round += 1
    try await Lanes.withTaskStates(threads: 2) {
        try await withThrowingTaskGroup(of: String.self) { group in
            for number in 0..<messages {
                let message = Message(author: "user\(number)", text: number == 1 ? "buy now" : "hello")
                group.addTask { try await onMessage(message) }
            }
            for try await reply in group where rounds != 0 {
                print(reply)
            }
        }
    }
}
recording?.finish()
