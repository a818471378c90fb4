import Hummingbird
import Tracing

/// The scenario's routes, each a kind of handler a real server has.
enum ScenarioRoutes {
    /// A router with the tracing middleware (one server span per request, renamed to its route
    /// once routed) and the four routes:
    /// - `/block` calls the synchronous legacy database (50 ms holding the thread, waiting);
    /// - `/compute` computes for 30 ms of CPU time;
    /// - `/behave` awaits an asynchronous 20 ms query (holds no thread meanwhile);
    /// - `/hello` answers at once (the throughput route).
    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: TracingMiddleware())
        router.get("block") { _, _ in
            LegacyDatabase.fetchUser(id: 7)
        }
        router.get("compute") { _, _ in
            String(PriceCalculation.price(for: 7))
        }
        router.get("behave") { _, _ in
            try await withSpan("async database") { _ in
                try await Task.sleep(for: .milliseconds(20))
            }
            return "user 7"
        }
        router.get("hello") { _, _ in
            "hello"
        }
        return router
    }
}
