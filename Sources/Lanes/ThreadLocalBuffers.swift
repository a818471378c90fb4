import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the calling thread's `ThreadBuffer` for a recorder through thread-local storage.
enum ThreadLocalBuffers {
    /// The pthread key whose value is the thread's `ThreadSlot`; its destructor hands the
    /// thread's last events to the writer when the thread exits.
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            let slot = Unmanaged<ThreadSlot>.fromOpaque(pointer).takeRetainedValue()
            for buffer in slot.buffers { buffer.threadExited() }
        }
        return key
    }()

    /// The calling thread's buffer for `recorder`, created on first use.
    @inline(__always)
    static func buffer(for recorder: Recorder) -> ThreadBuffer {
        let slot = currentSlot()
        if let buffer = slot.current, buffer.recorder === recorder { return buffer }
        return slot.buffer(for: recorder)
    }

    /// Marks the calling thread as an executor thread (one that runs task jobs) for the thread
    /// definitions written from now on.
    static func markExecutorThread() {
        currentSlot().isExecutor = true
    }

    @inline(__always)
    private static func currentSlot() -> ThreadSlot {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<ThreadSlot>.fromOpaque(pointer).takeUnretainedValue()
        }
        let slot = ThreadSlot()
        pthread_setspecific(key, Unmanaged.passRetained(slot).toOpaque())
        return slot
    }
}

/// A thread's buffers, one per recording it has recorded into (usually exactly one).
final class ThreadSlot {
    var buffers: [ThreadBuffer] = []
    var current: ThreadBuffer?
    var isExecutor = false
    /// This thread's number in traces, assigned on first use.
    lazy var threadNumber: UInt64 = ThreadSlot.currentThreadID()

    func buffer(for recorder: Recorder) -> ThreadBuffer {
        buffers.removeAll { !$0.recorder.isRunning && $0 !== current }
        if let existing = buffers.first(where: { $0.recorder === recorder }) {
            current = existing
            return existing
        }
        let buffer = ThreadBuffer(
            recorder: recorder, threadID: threadNumber, threadName: ThreadSlot.currentThreadName(),
            isExecutor: isExecutor || TaskIdentity.isOnExecutor())
        buffers.append(buffer)
        current = buffer
        return buffer
    }

    /// Lanes numbers threads in the order they first record (1, 2, …), stable across runs.
    private static let nextThreadNumber = Atomic<UInt64>(1)

    static func currentThreadID() -> UInt64 {
        nextThreadNumber.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    static func currentThreadName() -> String {
        Thread.current.name ?? ""
    }
}
