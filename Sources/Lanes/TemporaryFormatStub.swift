// TEMPORARY: stands in for LanesFormat's encoder/writer until they land on main. Deleted at merge.
import LanesModel

struct LanesChunkEncoder {
    init(writerID: UInt32, sequence: UInt64, baseTime: Int64) {}
    mutating func begin(span: UInt64, parent: UInt64, kind: SpanKind, name: UInt32, task: UInt64, onExecutor: Bool, time: Int64) { byteCount += 12; eventCount += 1 }
    mutating func end(span: UInt64, time: Int64) { byteCount += 4; eventCount += 1 }
    mutating func end(span: UInt64, time: Int64, errorMessage: UInt32) { byteCount += 4; eventCount += 1 }
    mutating func end(span: UInt64, time: Int64, cpuNanoseconds: Int64) { byteCount += 4; eventCount += 1 }
    mutating func attribute(span: UInt64, key: UInt32, value: UInt32) { byteCount += 4; eventCount += 1 }
    mutating func job(task: UInt64, enqueued: Int64, started: Int64, ended: Int64) { byteCount += 4; eventCount += 1 }
    mutating func instant(span: UInt64, name: UInt32, time: Int64) { byteCount += 4; eventCount += 1 }
    var byteCount = 0
    var eventCount = 0
    var isEmpty: Bool { eventCount == 0 }
    func encodedRecord() -> [UInt8] { [UInt8](repeating: 0, count: byteCount) }
    mutating func reset(sequence: UInt64, baseTime: Int64) { byteCount = 0; eventCount = 0 }
}

final class LanesFileWriter {
    init(path: String, processName: String, processID: UInt32, clockAtStart: Int64, unixNanosecondsAtClock: Int64) throws {}
    func defineStrings(firstID: UInt32, _ strings: [String]) throws {}
    func defineThread(writerID: UInt32, threadID: UInt64, name: String, isExecutor: Bool) throws {}
    func defineTask(id: UInt64, name: UInt32, parentTask: UInt64) throws {}
    func writeDropped(writerID: UInt32, count: UInt64, time: Int64) throws {}
    func write(record: [UInt8]) throws {}
    func flush() throws {}
    func finish() throws {}
}
