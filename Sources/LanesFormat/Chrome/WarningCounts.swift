/// `1204` → `"1,204"`: counts in warnings read like the rest of Lanes' messages.
package func groupedCount(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return value < 0 ? "-" + result : result
}

/// `counted(1, "event")` → `"1 event"`, `counted(1204, "event")` → `"1,204 events"`.
package func counted(_ value: Int, _ noun: String) -> String {
    "\(groupedCount(value)) \(noun)\(value == 1 ? "" : "s")"
}
