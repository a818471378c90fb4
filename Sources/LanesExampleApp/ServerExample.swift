// A small TCP server that runs inside `Lanes.withTaskStates` and stops gracefully on SIGINT or
// SIGTERM, the way swift-service-lifecycle stops servers on Linux (a dispatch signal source).
//
// Run: LANES_TRACE=server.lanes .build/debug/LanesExampleApp --serve
// It prints `listening on PORT`, answers every line it receives with the line in capitals (a
// line `slow` first sleeps 20 ms, suspended), and prints `stopped` once it has shut down.
@preconcurrency import Dispatch
import Lanes

#if canImport(Glibc)
import Glibc
#endif

enum ServerExample {
    static func run() async throws {
        let recording = Lanes.bootstrapFromEnvironment()
        let stop = SignalEvents([SIGINT, SIGTERM])
        try await Lanes.withTaskStates(threads: 2) {
            let listener = try ReadinessSocket.listen()
            say("listening on \(listener.port)")
            let connections = OpenConnections()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await stop.next()
                    // Stop accepting; let each connection finish the request it is serving.
                    listener.close()
                    await connections.stopReading()
                }
                while let connection = await listener.accept() {
                    await connections.add(connection)
                    group.addTask {
                        await serve(connection)
                        await connections.remove(connection)
                    }
                }
            }
        }
        say("stopped")
        await recording?.finish()
    }

    /// Writes `line` to standard output at once (a test waits for it).
    static func say(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }

    /// Answers each line of `connection` until the peer closes it.
    static func serve(_ connection: ReadinessSocket) async {
        defer { connection.close() }
        var pending: [UInt8] = []
        while let bytes = await connection.read() {
            pending.append(contentsOf: bytes)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                let reply = await respond(line)
                connection.write(Array((reply + "\n").utf8))
            }
        }
    }

    static let respond = Lanes.handler("request", label: { (line: String) in line }) { (line: String) async -> String in
        if line == "slow" { try? await Task.sleep(for: .milliseconds(20)) }
        return line.uppercased()
    }
}

/// The connections being served, so that stopping can end them gracefully.
actor OpenConnections {
    private var open: [Int32: ReadinessSocket] = [:]
    private var stopping = false

    func add(_ connection: ReadinessSocket) {
        open[connection.descriptor] = connection
        if stopping { connection.stopReading() }
    }

    func remove(_ connection: ReadinessSocket) {
        open[connection.descriptor] = nil
    }

    /// Ends every connection after the request it is serving: its next read sees the end.
    func stopReading() {
        stopping = true
        for connection in open.values { connection.stopReading() }
    }
}

/// Unix signals as an async sequence of events, delivered through dispatch signal sources as
/// swift-service-lifecycle does on Linux.
final class SignalEvents: Sendable {
    private let sources: [any DispatchSourceSignal]
    private let events: AsyncStream<Int32>

    init(_ signals: [Int32]) {
        let queue = DispatchQueue(label: "signals")
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        events = stream
        sources = signals.map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Waits for the next signal.
    func next() async {
        var iterator = events.makeAsyncIterator()
        _ = await iterator.next()
    }
}

/// A non-blocking socket whose readiness comes from a dispatch read source, as an event loop
/// would see it: reads and accepts suspend the task instead of holding an executor thread.
final class ReadinessSocket: Sendable {
    let descriptor: Int32
    let port: Int
    private let source: any DispatchSourceRead
    private let readable: AsyncStream<Void>

    private init(descriptor: Int32, port: Int) {
        self.descriptor = descriptor
        self.port = port
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        readable = stream
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: DispatchQueue(label: "socket"))
        source.setEventHandler { continuation.yield() }
        source.setCancelHandler {
            continuation.finish()
            Glibc.close(descriptor)
        }
        source.resume()
    }

    /// A socket listening on 127.0.0.1 on a port the kernel picks.
    static func listen() throws -> ReadinessSocket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketError.cannot("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && Glibc.listen(descriptor, 64) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw SocketError.cannot("listen") }
        return ReadinessSocket(descriptor: descriptor, port: Int(UInt16(bigEndian: address.sin_port)))
    }

    /// The next connection, or nil once the socket is closed.
    func accept() async -> ReadinessSocket? {
        var iterator = readable.makeAsyncIterator()
        while true {
            let connection = Glibc.accept(descriptor, nil, nil)
            if connection >= 0 { return ReadinessSocket(descriptor: connection, port: port) }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return nil }
            guard await iterator.next() != nil else { return nil }
        }
    }

    /// The next bytes received, or nil once the peer closed the connection or it was closed.
    func read() async -> [UInt8]? {
        var iterator = readable.makeAsyncIterator()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Array(buffer[..<count]) }
            if count == 0 { return nil }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return nil }
            guard await iterator.next() != nil else { return nil }
        }
    }

    /// Sends `bytes` (small replies: the socket buffer takes them at once).
    func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Ends the receiving side: the next `read()` returns nil once what arrived is read. The
    /// descriptor stays open (a reply still being written goes to this connection).
    func stopReading() {
        shutdown(descriptor, Int32(SHUT_RD))
    }

    /// Stops watching the socket and closes it; a pending `accept()` or `read()` returns nil.
    func close() {
        source.cancel()
    }

    enum SocketError: Error { case cannot(String) }
}
