import LanesModel

/// The shape of a synthetic server run: which routes, how many requests over how long, and how
/// each route's latency is spread. `ServerTrace.build` turns it into a trace.
///
/// Real servers under a load generator look like this: every request runs in a task of its own
/// (a child of the server's task), its root span named after the route, with the executor jobs
/// of that task around it. Tests and benchmarks use the same shapes, so the numbers in the
/// README and the screens in the tests come from one generator.
public struct ServerLoad: Sendable {
    /// One route (a root span name) and its latency distribution.
    public struct Route: Sendable {
        /// The root span's name, e.g. `GET /users`.
        public var name: String
        /// The median latency, in nanoseconds.
        public var median: Int64
        /// The spread: latencies are log-normal, `median × e^(sigma × z)` with z standard normal.
        public var sigma: Double
        /// This route's share of the requests (relative to the other routes' shares).
        public var share: Double
        /// An episode in which the route gets slower: requests arriving after `from` (a fraction of
        /// the run) take `factor` times as long.
        public var slowdown: (from: Double, factor: Double)?

        public init(name: String, median: Int64, sigma: Double = 0.3, share: Double = 1, slowdown: (from: Double, factor: Double)? = nil) {
            self.name = name
            self.median = median
            self.sigma = sigma
            self.share = share
            self.slowdown = slowdown
        }
    }

    /// The routes requests are drawn from.
    public var routes: [Route]
    /// How many requests arrive.
    public var requests: Int
    /// Over how long they arrive, in nanoseconds.
    public var duration: Int64
    /// The seed of the random numbers (arrivals, routes, latencies): the same load with another
    /// seed is another run of the same program.
    public var seed: UInt64
    /// Child spans under each request's root (a database call, a render).
    public var childSpans: Int
    /// Whether the requests' executor jobs are recorded (task states).
    public var withTaskStates: Bool
    /// Executor threads the jobs run on.
    public var executorThreads: Int
    /// Per request, the chance that its task records a child task with no spans (an `async let`
    /// that calls no instrumented code): such tasks have jobs and a parent, nothing else.
    public var spanlessChildShare: Double

    public init(
        routes: [Route], requests: Int, duration: Int64, seed: UInt64 = 1, childSpans: Int = 1,
        withTaskStates: Bool = true, executorThreads: Int = 2, spanlessChildShare: Double = 0
    ) {
        self.routes = routes
        self.requests = requests
        self.duration = duration
        self.seed = seed
        self.childSpans = childSpans
        self.withTaskStates = withTaskStates
        self.executorThreads = executorThreads
        self.spanlessChildShare = spanlessChildShare
    }
}
