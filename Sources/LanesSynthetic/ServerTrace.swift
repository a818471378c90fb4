import LanesModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deterministic traces shaped like a server under a load generator (see `ServerLoad`).
public enum ServerTrace {
    /// The task id of the server's own task (the parent of every request task).
    public static let serverTaskID: UInt64 = 1

    /// A trace of `load`: per request a task (child of the server's task) with a root span named
    /// after its route, `childSpans` children one after another inside it, and two executor jobs
    /// (one when the request arrives, one when its last child returns).
    public static func build(_ load: ServerLoad) -> Trace {
        var builder = TraceBuilder(metadata: TraceMetadata(
            processName: "synthetic-server", processID: 4242, clockAtStart: 1_000_000_000,
            unixNanosecondsAtClock: 1_764_000_000_000_000_000, sourceFormat: "lanes"))
        let requests = max(0, load.requests)
        builder.reserveSpans(requests * (1 + max(0, load.childSpans)))
        if load.withTaskStates { builder.reserveSlices(requests * 2) }
        var random = SplitMix64(seed: load.seed)
        let threads = (0..<max(1, load.executorThreads)).map {
            builder.thread(id: UInt64(10 + $0), name: "executor-\($0 + 1)", isExecutor: true)
        }
        let server = builder.task(id: serverTaskID)
        let routeNames = load.routes.map { builder.intern($0.name) }
        let childNames = ["db.query", "render", "cache.get", "encode"].map { builder.intern($0) }
        let totalShare = load.routes.reduce(0) { $0 + max(0, $1.share) }
        let origin: Int64 = 1_000_000_000
        let step = Double(max(1, load.duration)) / Double(max(1, requests))
        var nextTaskID = serverTaskID + 1
        if load.withTaskStates {
            builder.addSlice(task: server, thread: threads[0], enqueued: origin, started: origin, ended: origin + 20_000)
        }
        for request in 0..<requests {
            let arrival = origin + Int64((Double(request) + random.unit()) * step)
            let route = pickRoute(load.routes, totalShare: totalShare, random: &random)
            var latency = max(2_000, Int64(Double(load.routes[route].median) * exp(load.routes[route].sigma * random.normal())))
            if let slowdown = load.routes[route].slowdown, Double(request) >= slowdown.from * Double(requests) {
                latency = Int64(Double(latency) * slowdown.factor)
            }
            let task = builder.addNewTask(id: nextTaskID)
            builder.setParent(ofTask: task, to: server)
            nextTaskID += 1
            let thread = threads[Int(random.next() % UInt64(threads.count))]
            // The first job waits a little for a thread, then the request's span begins.
            let queueDelay = Int64(random.next() % 50_000)
            let begin = arrival + queueDelay + 1_000
            let end = begin + latency
            let root = builder.addSpan(name: routeNames[route], kind: .handler, begin: begin, end: end, task: task, thread: thread)
            let children = max(0, load.childSpans)
            var childBegin = begin + latency / 20
            let childLength = children == 0 ? 0 : (latency * 8 / 10) / Int64(children)
            for child in 0..<children {
                builder.addSpan(name: childNames[child % childNames.count], kind: .async,
                                begin: childBegin, end: childBegin + childLength, parent: root, task: task, thread: thread)
                childBegin += childLength
            }
            if load.withTaskStates {
                builder.addSlice(task: task, thread: thread, enqueued: arrival, started: arrival + queueDelay, ended: begin + latency / 40)
                builder.addSlice(task: task, thread: thread, enqueued: end - latency / 10, started: end - latency / 10 + 500, ended: end + 500)
            }
            if load.spanlessChildShare > 0, random.unit() < load.spanlessChildShare {
                let child = builder.addNewTask(id: nextTaskID)
                nextTaskID += 1
                builder.setParent(ofTask: child, to: task)
                if load.withTaskStates {
                    let start = begin + latency / 10
                    builder.addSlice(task: child, thread: thread, enqueued: start, started: start + 300, ended: start + latency / 30 + 300)
                }
            }
        }
        return builder.build()
    }

    static func pickRoute(_ routes: [ServerLoad.Route], totalShare: Double, random: inout SplitMix64) -> Int {
        guard routes.count > 1, totalShare > 0 else { return 0 }
        var point = random.unit() * totalShare
        for (index, route) in routes.enumerated() {
            point -= max(0, route.share)
            if point < 0 { return index }
        }
        return routes.count - 1
    }
}

extension SplitMix64 {
    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A standard normal number (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-300)
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
