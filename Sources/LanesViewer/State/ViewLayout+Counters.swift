extension ViewLayout {
    /// The most counter strips shown at once.
    static let maximumCounterStrips = 4
    /// Lane rows the counter strips always leave.
    static let laneRowsKeptFromCounters = 6

    /// How many of `wanted` counter strips get a row when `available` rows remain for lanes
    /// and counters: at most `maximumCounterStrips`, and never so many that fewer than
    /// `laneRowsKeptFromCounters` lane rows are left.
    static func counterStripRows(wanted: Int, available: Int) -> Int {
        max(0, min(wanted, maximumCounterStrips, available - laneRowsKeptFromCounters))
    }
}
