import LanesFormat
import LanesWriter
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix

/// `lanes collect`: an OTLP/HTTP trace receiver that writes what it receives into a `.lanes`
/// file as it arrives.
///
/// Requests are decoded and converted on the server's event loop, answered, and handed to a
/// writer thread that appends them to the file and flushes (at least every 100 ms while spans
/// arrive), so a SIGKILL of the receiver leaves a file that reads back up to the last flush,
/// and `lanes view --follow` shows spans while they come.
public final class OTLPCollector: Sendable {
    /// Where to listen and what to write.
    public struct Configuration: Sendable {
        /// The address to listen on; `127.0.0.1` keeps the receiver local.
        public var host: String
        /// 4318 is OTLP/HTTP's port; 0 picks a free one (see `port`).
        public var port: Int
        /// The `.lanes` file (created or truncated).
        public var outputPath: String
        /// The largest request body accepted, after decompression (the OTLP spec recommends 64 MiB).
        public var maximumBodyBytes = 64 << 20
        /// Threads that read, decode and convert requests (the writer has its own): one per core.
        public var eventLoopThreads = System.coreCount

        public init(host: String = "127.0.0.1", port: Int = 4318, outputPath: String) {
            self.host = host
            self.port = port
            self.outputPath = outputPath
        }
    }

    /// Why the collector could not start.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        /// What could not be done.
        public enum Kind: Sendable {
            /// The output file could not be created.
            case cannotWrite
            /// The address could not be bound (in use, not this machine's, not permitted).
            case cannotListen
        }

        public var kind: Kind
        /// One line for stderr.
        public var description: String
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let sink: SpanFileSink
    private let counts: CollectorStatistics

    /// The port the receiver listens on (the one chosen when the configuration said 0).
    public let port: Int

    /// Opens the output file, binds the address and starts answering requests.
    public static func start(_ configuration: Configuration) async throws(StartError) -> OTLPCollector {
        let sink: SpanFileSink
        do {
            sink = try SpanFileSink(path: configuration.outputPath)
        } catch {
            throw StartError(kind: .cannotWrite, description: error.description)
        }
        let statistics = CollectorStatistics()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        let limit = configuration.maximumBodyBytes
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(NIOHTTPRequestDecompressor(limit: .size(limit)))
                    try channel.pipeline.syncOperations.addHandler(
                        OTLPHTTPHandler(sink: sink, statistics: statistics, maximumBodyBytes: limit))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            _ = sink.finish()
            try? await group.shutdownGracefully()
            throw StartError(kind: .cannotListen, description: "lanes: cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        return OTLPCollector(
            group: group, channel: channel, sink: sink, statistics: statistics,
            port: channel.localAddress?.port ?? configuration.port)
    }

    private init(
        group: MultiThreadedEventLoopGroup, channel: any Channel, sink: SpanFileSink, statistics: CollectorStatistics, port: Int
    ) {
        self.group = group
        self.channel = channel
        self.sink = sink
        self.counts = statistics
        self.port = port
    }

    /// What was received so far.
    public var statistics: CollectorStatistics.Snapshot {
        var snapshot = counts.snapshot
        snapshot.writtenSpans = sink.written.spans
        return snapshot
    }

    /// Stops listening, writes what is queued and the footer, and closes the file. Returns the
    /// write error that stopped writing, if one did.
    package func stop() async -> TraceFileError? {
        try? await channel.close()
        try? await group.shutdownGracefully()
        return sink.finish()
    }
}

/// Counts of what the receiver answered, shared by its event loops.
public final class CollectorStatistics: Sendable {
    /// The counts at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// Requests answered 200 (fully or partly accepted).
        public var acceptedRequests = 0
        /// Spans accepted.
        public var acceptedSpans = 0
        /// Spans rejected in partly accepted requests.
        public var rejectedSpans = 0
        /// Requests answered with a 4xx or 5xx status.
        public var refusedRequests = 0
        /// Accepted spans written to the file.
        public var writtenSpans = 0
    }

    private let counts = NIOLockedValueBox(Snapshot())

    func noteAccepted(spans: Int, rejected: Int) {
        counts.withLockedValue {
            $0.acceptedRequests += 1
            $0.acceptedSpans += spans
            $0.rejectedSpans += rejected
        }
    }

    func noteRefused() {
        counts.withLockedValue { $0.refusedRequests += 1 }
    }

    var snapshot: Snapshot { counts.withLockedValue { $0 } }
}
