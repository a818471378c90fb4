/// How a captured job's enqueuing task is written: `0` no task was current where the job was
/// enqueued (a plain thread, an event loop, a timer), `1` the job's own task (a yield, an actor
/// hop, a wake-up it scheduled itself), otherwise the zigzag-coded difference from the job's task
/// plus one. The common cases take one byte.
package enum EnqueuerCode {
    /// The code for `enqueuer` enqueuing a job of `task`.
    @inlinable @inline(__always)
    package static func encode(enqueuer: UInt64, task: UInt64) -> UInt64 {
        if enqueuer == 0 { return 0 }
        if enqueuer == task { return 1 }
        let delta = Int64(bitPattern: enqueuer &- task)
        return UInt64(bitPattern: (delta << 1) ^ (delta >> 63)) &+ 1
    }

    /// The enqueuing task a `code` names for a job of `task` (0: none).
    @inlinable @inline(__always)
    package static func decode(_ code: UInt64, task: UInt64) -> UInt64 {
        switch code {
        case 0: return 0
        case 1: return task
        default:
            let zigzag = code &- 1
            let delta = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            return task &+ UInt64(bitPattern: delta)
        }
    }
}
