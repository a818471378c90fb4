import LanesAnalysis
import LanesModel

/// The route view's index: root spans grouped by route (`RouteGroups`), each root's latency as a
/// bin on a logarithmic scale, and running bin counts every `blockSize` roots, so the latency
/// distribution of the roots that began in any time slice costs two binary searches, one
/// subtraction of bin counts and at most two blocks of single roots.
public struct RouteIndex: Sendable {
    /// Latency bins: bin b holds latencies from `binFloor(b)` up to the next bin's floor.
    static let binCount = 128
    /// Each bin is this much wider than the one below (25%).
    static let binRatio = 1.25
    /// The floor of bin 0, in nanoseconds (1 µs; shorter latencies fall into bin 0).
    static let binBase = 1_000.0
    /// Roots per block of running bin counts.
    static let blockSize = 512
    /// The slowest roots kept per route, for the rows a route unfolds into.
    public static let slowestLimit = 20

    /// The routes: names (escaped), root spans and statistics.
    public let groups: RouteGroups
    /// Per root in route order (as `groups` lists them), its latency bin.
    private let bins: [UInt8]
    /// Per route, where its roots start in `bins`.
    private let binStart: [Int]
    /// Per route, running bin counts at every block boundary: `counts[countStart[r] + k × binCount + b]`
    /// is how many of the route's first `k × blockSize` roots fell in bin b.
    private let counts: [UInt32]
    /// See `counts`.
    private let countStart: [Int]
    /// Per route, its slowest roots, slowest first.
    public let slowest: [[Int32]]
    /// The lowest and highest bin the heat scale spans (the fastest route's p10-ish floor to the
    /// slowest route's p99), shared by all routes so their shades compare.
    let scale: (low: Int, high: Int)

    init(trace: Trace) {
        let groups = RouteGroups(trace: trace)
        self.groups = groups
        var bins: [UInt8] = []
        bins.reserveCapacity(trace.roots.count)
        var binStart: [Int] = []
        var counts: [UInt32] = []
        var countStart: [Int] = []
        var slowest: [[Int32]] = []
        for route in 0..<groups.count {
            binStart.append(bins.count)
            countStart.append(counts.count)
            var running = [UInt32](repeating: 0, count: Self.binCount)
            counts.append(contentsOf: running)
            var top: [(duration: Int64, span: Int32)] = []
            for (offset, root) in groups.roots(ofRoute: route).enumerated() {
                let duration = trace.duration(ofSpan: Int(root))
                let bin = Self.bin(ofDuration: duration)
                bins.append(UInt8(bin))
                running[bin] += 1
                if (offset + 1) % Self.blockSize == 0 { counts.append(contentsOf: running) }
                if top.count < Self.slowestLimit || duration > top[top.count - 1].duration {
                    let position = top.partitioningIndex { $0.duration < duration }
                    top.insert((duration, root), at: position)
                    if top.count > Self.slowestLimit { top.removeLast() }
                }
            }
            slowest.append(top.map(\.span))
        }
        self.bins = bins
        self.binStart = binStart
        self.counts = counts
        self.countStart = countStart
        self.slowest = slowest
        let lows = groups.statistics.filter { $0.count > 0 }.map { Self.bin(ofDuration: $0.p50) }
        let highs = groups.statistics.filter { $0.count > 0 }.map { Self.bin(ofDuration: $0.p99) }
        let low = max(0, (lows.min() ?? 0) - 4)
        scale = (low, max(low + 8, highs.max() ?? low + 8))
    }

    /// The bin of a latency.
    static func bin(ofDuration nanoseconds: Int64) -> Int {
        guard Double(nanoseconds) > binBase else { return 0 }
        let bin = Int(((Double(nanoseconds) / binBase).logarithm / binRatio.logarithm).rounded(.down))
        return max(0, min(binCount - 1, bin))
    }

    /// The lowest latency of bin `bin`, in nanoseconds.
    static func floor(ofBin bin: Int) -> Int64 {
        Int64(binBase * binRatio.power(Double(bin)))
    }

    /// The range of route `route`'s roots (positions in begin order) that began in `[from, to)`.
    func roots(ofRoute route: Int, beganFrom from: Int64, to: Int64, in trace: Trace) -> Range<Int> {
        let roots = groups.roots(ofRoute: route)
        let base = roots.startIndex
        let lower = roots.partitioningIndex { trace.spanBegin[Int($0)] >= from } - base
        let upper = roots[(base + lower)...].partitioningIndex { trace.spanBegin[Int($0)] >= to } - base
        return lower..<upper
    }

    /// Adds the bins of route `route`'s roots at positions `range` into `histogram` (length
    /// `binCount`): whole blocks from the running counts, the ragged ends one root at a time.
    func addBins(ofRoute route: Int, _ range: Range<Int>, into histogram: inout [UInt32]) {
        guard !range.isEmpty else { return }
        let firstBlock = (range.lowerBound + Self.blockSize - 1) / Self.blockSize
        let lastBlock = range.upperBound / Self.blockSize
        let base = binStart[route]
        if lastBlock > firstBlock {
            let low = countStart[route] + firstBlock * Self.binCount
            let high = countStart[route] + lastBlock * Self.binCount
            for bin in 0..<Self.binCount { histogram[bin] &+= counts[high + bin] &- counts[low + bin] }
            for position in range.lowerBound..<(firstBlock * Self.blockSize) { histogram[Int(bins[base + position])] += 1 }
            for position in (lastBlock * Self.blockSize)..<range.upperBound { histogram[Int(bins[base + position])] += 1 }
        } else {
            for position in range { histogram[Int(bins[base + position])] += 1 }
        }
    }

    /// The bin holding the `fraction` quantile of a histogram of `total` entries.
    static func quantileBin(_ histogram: [UInt32], total: Int, fraction: Double) -> Int {
        let target = UInt32(max(1, (Double(total) * fraction).rounded(.up)))
        var seen: UInt32 = 0
        for bin in 0..<binCount {
            seen &+= histogram[bin]
            if seen >= target { return bin }
        }
        return binCount - 1
    }

    /// The heat level (1…8) of a bin on the shared scale.
    func level(ofBin bin: Int) -> Int {
        let span = max(1, scale.high - scale.low)
        return max(1, min(8, 1 + (bin - scale.low) * 8 / span))
    }

    /// The lowest latency shown at heat level `level` (1…8).
    func floor(ofLevel level: Int) -> Int64 {
        let span = max(1, scale.high - scale.low)
        return Self.floor(ofBin: scale.low + ((level - 1) * span + 7) / 8)
    }

    /// Whether the trace looks like a server or a chat app: many roots, few routes. The viewer
    /// opens such traces in the route view.
    public var suitsRouteView: Bool {
        let roots = groups.statistics.reduce(0) { $0 + $1.count }
        return roots >= 50 && groups.count * 10 <= roots
    }
}

extension Double {
    /// The natural logarithm, without Foundation.
    var logarithm: Double {
        #if canImport(Glibc)
        return Glibc.log(self)
        #else
        return Darwin.log(self)
        #endif
    }

    /// `self` to the power `exponent`.
    func power(_ exponent: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.pow(self, exponent)
        #else
        return Darwin.pow(self, exponent)
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
