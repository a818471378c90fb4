/// A first-in, first-out queue for executors' jobs: appends at the back, takes from the front
/// in O(1), and reuses its storage once it runs empty.
struct FIFOQueue<Element> {
    private var storage: [Element] = []
    private var head = 0

    /// How many elements wait.
    var count: Int { storage.count - head }

    /// Whether nothing waits.
    var isEmpty: Bool { head == storage.count }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    /// The oldest element, removed; nil when empty.
    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        }
        return element
    }
}
extension FIFOQueue: Sendable where Element: Sendable {}
