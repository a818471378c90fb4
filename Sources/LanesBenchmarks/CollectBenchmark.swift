import Foundation
import LanesCollector
import LanesFormat

#if canImport(Glibc)
import Glibc
#endif

/// `LanesBenchmarks collect [BODY] [SECONDS] [RUNS] [CONNECTIONS]`: how many spans a second
/// `lanes collect` takes in, from a captured real exporter body (the OpenTelemetry Python SDK's
/// first 512-span batch, `Tests/LanesCollectorTests/Fixtures/python-sdk-batch.pb`) replayed over
/// loopback HTTP/1.1 by CONNECTIONS clients, each sending the next request when the last was
/// answered (as exporters do). A run lasts SECONDS and counts until everything sent is in the file
/// (the receiver stopped and the file finished), then reads the file back to check the count.
///
/// In the same run, the stages alone on one thread, as a baseline: decoding of the body by
/// swift-protobuf's generated messages and by Lanes' decoder (`OTLPProtobufDecoder`, the
/// receiver's), each plus conversion (`OTLPConvertedRequest`: the importer's
/// `OTLPTraceAssembler`), and Lanes' plus encoding into a file (`OTLPStreamWriter`).
enum CollectBenchmark {
    static func run(arguments: [String]) async throws {
        let bodyPath = arguments.first ?? "Tests/LanesCollectorTests/Fixtures/python-sdk-batch.pb"
        let seconds = arguments.dropFirst().first.flatMap { Double($0) } ?? 3
        let runs = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 5
        let connections = arguments.dropFirst(3).first.flatMap { Int($0) } ?? 2
        guard let body = FileManager.default.contents(atPath: bodyPath).map(Array.init) else {
            print("collect benchmark: cannot read \(bodyPath) (run from the package root, or name the body file)")
            return
        }
        let spansPerBody = try OTLPConvertedRequest(protobufRequest: body).acceptedSpans
        print("collect benchmark: \(bodyPath), \(body.count) bytes, \(spansPerBody) spans a request; "
              + "\(connections) connections, \(runs) runs of \(seconds) s; load average \(loadAverage())")

        // Baselines: the stages alone, one thread, each timed on this thread's CPU clock (what
        // it costs, whatever else the machine runs): decoding alone, by swift-protobuf's messages
        // and by Lanes' decoder (`OTLPProtobufDecoder`, the receiver's); decoding and conversion,
        // both ways; and Lanes' decoding, conversion and encoding into a file, what one request
        // costs the receiver.
        var swiftDecode: [Double] = []
        var swiftConverted: [Double] = []
        var decodeOnly: [Double] = []
        var converted: [Double] = []
        var encoded: [Double] = []
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-collect-benchmark-\(getpid()).lanes").path
        defer { unlink(scratch) }
        for _ in 0..<runs {
            let repeats = 200
            let spans = Double(repeats * spansPerBody)
            func rate(_ body: () throws -> Void) rethrows -> Double {
                let start = threadCPUSeconds()
                try body()
                return spans / (threadCPUSeconds() - start)
            }
            swiftDecode.append(try rate { for _ in 0..<repeats { _ = try OTLPConvertedRequest.decodedSpanCount(ofSwiftProtobufRequest: body) } })
            swiftConverted.append(try rate { for _ in 0..<repeats { _ = try OTLPConvertedRequest(swiftProtobufRequest: body) } })
            decodeOnly.append(try rate { for _ in 0..<repeats { _ = try OTLPConvertedRequest.decodedSpanCount(ofProtobufRequest: body) } })
            var start = threadCPUSeconds()
            var batches: [OTLPConvertedRequest] = []
            for _ in 0..<repeats { batches.append(try OTLPConvertedRequest(protobufRequest: body)) }
            let convertSeconds = threadCPUSeconds() - start
            converted.append(spans / convertSeconds)
            let writer = try OTLPStreamWriter(path: scratch)
            start = threadCPUSeconds()
            for batch in batches { try writer.append(batch) }
            try writer.finish()
            encoded.append(spans / (convertSeconds + threadCPUSeconds() - start))
        }

        var received: [Double] = []
        var perCPU: [Double] = []
        for run in 0..<runs {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("lanes-collect-benchmark-\(getpid())-\(run).lanes").path
            defer { unlink(path) }
            let collector = try await OTLPCollector.start(OTLPCollector.Configuration(host: "127.0.0.1", port: 0, outputPath: path))
            let request = Array("""
                POST /v1/traces HTTP/1.1\r
                Host: 127.0.0.1\r
                Content-Type: application/x-protobuf\r
                Content-Length: \(body.count)\r
                \r

                """.utf8) + body
            let start = monotonicSeconds()
            let cpuStart = processCPUSeconds()
            let deadline = start + seconds
            let counts = (0..<connections).map { _ in Counter() }
            let threads = counts.map { counter in
                Thread { counter.value = replay(request, port: collector.port, until: deadline) }
            }
            for thread in threads { thread.start() }
            while counts.contains(where: { $0.value < 0 }) { try await Task.sleep(for: .milliseconds(10)) }
            _ = await collector.stop()
            let elapsed = monotonicSeconds() - start
            let cpu = processCPUSeconds() - cpuStart
            let requests = counts.reduce(0) { $0 + $1.value }
            let spans = requests * spansPerBody
            let readBack = try TraceLoader.load(path: path).trace.spanCount
            let expected = spans
            received.append(Double(spans) / elapsed)
            perCPU.append(Double(spans) / cpu)
            print(String(format: "  run %d: %d requests, %.0f spans/s (%.2f s until the file was finished), %.2f µs of CPU a span (clients included); file read back: %d of %d spans%@",
                         run + 1, requests, Double(spans) / elapsed, elapsed, cpu / Double(spans) * 1e6, readBack, expected, readBack == expected ? "" : "  MISMATCH"))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func range(_ values: [Double]) -> String { String(format: "%.0f–%.0f k", values.min()! / 1000, values.max()! / 1000) }
        func perSpan(_ values: [Double]) -> String { String(format: "%.2f µs/span", 1e6 / median(values)) }
        print(String(format: "per CPU-second of one thread, decoding alone: swift-protobuf's messages %.0f k spans (%@; %@), Lanes' decoder %.0f k (%@; %@): %.1f×",
                     median(swiftDecode) / 1000, range(swiftDecode), perSpan(swiftDecode), median(decodeOnly) / 1000, range(decodeOnly), perSpan(decodeOnly),
                     median(decodeOnly) / median(swiftDecode)))
        print(String(format: "  + conversion: through swift-protobuf %.0f k (%@; %@), through Lanes' decoder %.0f k (%@; %@)",
                     median(swiftConverted) / 1000, range(swiftConverted), perSpan(swiftConverted), median(converted) / 1000, range(converted), perSpan(converted)))
        print(String(format: "  + file encoding (Lanes' decoder, what the receiver does): %.0f k (%@; %@)",
                     median(encoded) / 1000, range(encoded), perSpan(encoded)))
        print(String(format: "the whole process per CPU-second (server, writer and clients): %.0f k spans (%@; %@)", median(perCPU) / 1000, range(perCPU), perSpan(perCPU)))
        print(String(format: "lanes collect over loopback HTTP, into the file: %.0f k spans/s median (%@): %.2f× the 500 k target",
                     median(received) / 1000, range(received), median(received) / 500_000))
        print("load average after: \(loadAverage())")
    }

    /// A count one client thread fills in when done (-1 while running).
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = -1
        var value: Int {
            get { lock.lock(); defer { lock.unlock() }; return count }
            set { lock.lock(); count = newValue; lock.unlock() }
        }
    }

    /// Sends `request` on one keep-alive connection again and again until `deadline`, each
    /// after the previous answer; returns how many were answered 200.
    static func replay(_ request: [UInt8], port: Int, until deadline: Double) -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return 0 }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return 0 }
        var answered = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while monotonicSeconds() < deadline {
            var sent = 0
            while sent < request.count {
                let count = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { return answered }
                sent += count
            }
            // The answer: headers, then Content-Length bytes (0 for full success).
            var received: [UInt8] = []
            while true {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count <= 0 { return answered }
                received += buffer[0..<count]
                if let end = headerEnd(received) {
                    let head = String(decoding: received[0..<end], as: UTF8.self)
                    let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                    if received.count >= end + 4 + length {
                        if head.hasPrefix("HTTP/1.1 200") { answered += 1 } else { return answered }
                        break
                    }
                }
            }
        }
        return answered
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func processCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
    }
}
