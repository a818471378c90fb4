import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ChildProcess {
    /// Waits at most `seconds` for the process to exit; kills it (SIGKILL) if it has not, and
    /// returns nil then, so that a hang fails the test instead of stalling the run.
    func finish(within seconds: Double) async -> (status: Int32, output: String, errors: String)? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            _ = await finish()
            return nil
        }
        return await finish()
    }

    /// The first line the process writes on standard output (read on a thread of its own, so
    /// that the test's task only suspends), or nil when it closes its output first.
    func firstLine() async -> String? {
        await withCheckedContinuation { continuation in
            Thread {
                var bytes: [UInt8] = []
                let handle = outputHandle
                while true {
                    let byte = handle.readData(ofLength: 1)
                    if byte.isEmpty { return continuation.resume(returning: nil) }
                    if byte[byte.startIndex] == 0x0A { break }
                    bytes.append(byte[byte.startIndex])
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }.start()
        }
    }

    /// Waits up to `seconds` for a file to exist at `path` with a complete footer-sized tail,
    /// i.e. for a dump to be written.
    static func waitForFile(_ path: String, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
               let size = attributes[.size] as? Int, size > 12 {
                // A dump is written by one thread in one go; give it a moment to finish.
                try? await Task.sleep(for: .milliseconds(200))
                return true
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

/// Talks to `LanesExampleApp --serve` over loopback: one connection, one line per request.
struct ServerClient {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    /// Sends `line` and returns the reply line.
    func request(_ line: String) -> String {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reply: [UInt8] = []
        var byte: UInt8 = 0
        while recv(descriptor, &byte, 1, 0) == 1, byte != 0x0A { reply.append(byte) }
        return String(decoding: reply, as: UTF8.self)
    }

    func close() { Glibc.close(descriptor) }
}
