#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Mann–Whitney U test of two samples of durations: does B tend to take longer (or shorter)
/// than A, beyond what chance gives two samples of one distribution?
///
/// It compares every occurrence of A with every occurrence of B through ranks, so it needs no
/// assumption about the shape of latency distributions (skewed, with long tails) and is not
/// moved by a few outliers. The p-value comes from the normal approximation with the tie
/// correction, which is accurate from about eight values a side; below that `RankTest` is nil and
/// reports say the samples are too small to test.
public struct RankTest: Sendable, Equatable {
    /// Fewest values a side for a test.
    public static let minimumSampleSize = 8

    /// U for B: the number of (a, b) pairs with b > a, ties counting one half.
    public var u: Double
    /// The standard score of U.
    public var z: Double
    /// The two-sided p-value: how likely a difference at least this large is when A and B come
    /// from one distribution.
    public var pValue: Double
    /// U / (nA × nB): the chance that an occurrence of B takes longer than one of A (0.5: neither
    /// tends to be slower).
    public var probabilityBLonger: Double

    /// The test of `b` against `a`, both sorted ascending; nil when either has fewer than
    /// `minimumSampleSize` values. Linear in the two sizes.
    public static func compare(_ a: [UInt64], _ b: [UInt64]) -> RankTest? {
        let countA = a.count
        let countB = b.count
        guard countA >= minimumSampleSize, countB >= minimumSampleSize else { return nil }
        var u = 0.0
        var tieTerm = 0.0  // Σ (t³ − t) over groups of equal values
        var indexA = 0
        var indexB = 0
        while indexA < countA || indexB < countB {
            let value = indexB == countB || (indexA < countA && a[indexA] < b[indexB]) ? a[indexA] : b[indexB]
            let lessA = Double(indexA)
            var equalA = 0
            while indexA < countA, a[indexA] == value { equalA += 1; indexA += 1 }
            var equalB = 0
            while indexB < countB, b[indexB] == value { equalB += 1; indexB += 1 }
            u += Double(equalB) * (lessA + 0.5 * Double(equalA))
            let tied = Double(equalA + equalB)
            if tied > 1 { tieTerm += tied * tied * tied - tied }
        }
        let nA = Double(countA)
        let nB = Double(countB)
        let n = nA + nB
        let mean = nA * nB / 2
        let variance = nA * nB / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else {
            // Every value equal: no difference at all.
            return RankTest(u: u, z: 0, pValue: 1, probabilityBLonger: 0.5)
        }
        // Continuity correction towards the mean.
        let distance = max(0, abs(u - mean) - 0.5)
        let z = (u >= mean ? 1 : -1) * distance / variance.squareRoot()
        let p = min(1, erfc(abs(z) / 2.0.squareRoot()))
        return RankTest(u: u, z: z, pValue: p, probabilityBLonger: u / (nA * nB))
    }
}
