import Tracing

#if canImport(Glibc)
import Glibc
#endif

/// A "legacy database" client with a synchronous API, as many older drivers have: each query
/// holds the calling thread for 50 ms while it waits for the answer. Called from an async
/// handler, it holds one of the cooperative pool's few threads for that long: the blocking that
/// Lanes must find without anyone marking it.
enum LegacyDatabase {
    /// How long one query waits.
    static let queryMicroseconds: UInt32 = 50_000

    /// Looks up a user, synchronously, inside a `withSpan` as an instrumented driver would.
    static func fetchUser(id: Int) -> String {
        withSpan("legacy database") { span in
            span.attributes["db.user.id"] = id
            usleep(queryMicroseconds)  // scenario-site: legacy database wait
            return "user \(id)"
        }
    }
}
