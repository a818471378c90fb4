/// The queue of a `WorkerPool`: first in, first out within each of four priority bands, and the
/// highest non-empty band first, so that high-priority work never waits behind low-priority work.
///
/// Bands follow Swift's task priorities: high and above (`.high`, `.userInitiated`,
/// `.userInteractive`), medium (`.medium` and unspecified), low (`.low`, `.utility`), and
/// background. Within a band, order is kept; across bands, low-priority work can wait as long as
/// higher-priority work keeps arriving (as on the runtime's own executor).
struct PriorityQueue<Element> {
    private var bands = [FIFOQueue<Element>](repeating: FIFOQueue(), count: 4)
    /// How many elements wait, in all bands.
    private(set) var count = 0

    /// Whether nothing waits.
    var isEmpty: Bool { count == 0 }

    /// Appends `element` at the back of the band for `priority` (a `JobPriority` raw value).
    mutating func append(_ element: Element, priority: UInt8) {
        bands[Self.band(of: priority)].append(element)
        count += 1
    }

    /// The oldest element of the highest non-empty band, removed; nil when empty.
    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        for band in bands.indices where !bands[band].isEmpty {
            count -= 1
            return bands[band].popFirst()
        }
        return nil
    }

    /// The band index (0 highest) of a `JobPriority` raw value.
    static func band(of priority: UInt8) -> Int {
        switch priority {
        case 0x19...: return 0  // high, userInitiated, userInteractive
        case 0x15..<0x19, 0: return 1  // medium, unspecified
        case 0x11..<0x15: return 2  // low, utility
        default: return 3  // background
        }
    }
}

extension PriorityQueue: Sendable where Element: Sendable {}
