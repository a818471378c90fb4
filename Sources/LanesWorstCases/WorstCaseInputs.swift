import LanesFormat
import LanesModel

/// Inputs shaped to make a reader do the most work per byte: the shapes that once took
/// quadratic time, kept so the tests and `LanesBenchmarks worst-case` can show they no longer do.
public enum WorstCaseInputs {
    /// A `.lanes` file of one task-state slice followed, in file order, by `count` identical
    /// slices that started before it: the reader must re-sort the task's slices, all equal.
    /// With `inOrder`, the long slice starts last instead: the same bytes' worth of slices that
    /// need no sorting, the baseline the worst case is compared with.
    public static func identicalSlicesAfterOneOutOfOrder(count: Int, inOrder: Bool = false) -> [UInt8] {
        var builder = TraceBuilder()
        let thread = builder.thread(id: 1, name: "worker")
        let task = builder.task(id: 1, name: "task")
        builder.addSpan(name: builder.intern("run"), kind: .async, begin: 0, end: 1_000, task: task, thread: thread)
        // The writer lists a thread's slices by when they ended: the long slice, which started
        // first, ends last and so comes after all the identical ones.
        builder.addSlice(task: task, thread: thread, enqueued: 5, started: inOrder ? 30 : 10, ended: 1_000)
        for _ in 0..<count {
            builder.addSlice(task: task, thread: thread, enqueued: 15, started: 20, ended: 30)
        }
        return LanesTraceWriter.encode(builder.build())
    }

    /// A Chrome JSON array of `count` async `b` events on one track, with distinct names, then
    /// their `e` events in the order they began (each ends the outermost span still open).
    /// With `inOrder`, the ends come innermost first instead: the baseline.
    public static func asyncEndsInBeginOrder(count: Int, inOrder: Bool = false) -> [UInt8] {
        var text = "[\n"
        text.reserveCapacity(count * 120)
        for index in 0..<count {
            text += #"{"ph":"b","cat":"c","id":"1","name":"s\#(index)","pid":1,"tid":1,"ts":\#(index)},"# + "\n"
        }
        for position in 0..<count {
            let index = inOrder ? count - 1 - position : position
            text += #"{"ph":"e","cat":"c","id":"1","name":"s\#(index)","pid":1,"tid":1,"ts":\#(count + position)}"#
            text += position == count - 1 ? "\n]\n" : ",\n"
        }
        return Array(text.utf8)
    }
}
