import CLanesRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the calling thread's `ThreadBuffer` for a recorder through thread-local storage.
///
/// The slot is read through a C thread-local variable (fast); a pthread key holding the same
/// slot exists only for its destructor.
enum ThreadLocalBuffers {
    /// The pthread key whose value is the thread's `ThreadSlot`; its destructor hands the
    /// thread's last events to the writer when the thread exits.
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            // Spans recorded later in this thread's exit (other destructors) start a new slot.
            lanes_set_current_thread_slot(nil)
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

    /// The calling thread's buffer for `recorder`, unretained: the span path's form, which
    /// takes no reference count (the thread's slot keeps its buffers alive).
    @inline(__always)
    static func reference(for recorder: Unmanaged<Recorder>) -> Unmanaged<ThreadBuffer> {
        if let pointer = lanes_current_thread_slot(),
            let current = Unmanaged<ThreadSlot>.fromOpaque(pointer)._withUnsafeGuaranteedRef({ $0.currentReference }),
            current._withUnsafeGuaranteedRef({ Unmanaged.passUnretained($0.recorder).toOpaque() == recorder.toOpaque() })
        {
            return current
        }
        return Unmanaged.passUnretained(buffer(for: recorder.takeUnretainedValue()))
    }

    /// Names the calling thread (one of Lanes' own) and says whether it runs task jobs, for the
    /// thread definitions written from now on.
    static func describeCurrentThread(name: String, isExecutor: Bool) {
        let slot = currentSlot()
        slot.name = name
        slot.isExecutor = isExecutor
        slot.isDescribed = true
    }

    /// Lanes' number for the calling thread (as its thread records say), assigned on first use.
    static func currentThreadNumber() -> UInt64 {
        currentSlot().threadNumber
    }

    @inline(__always)
    private static func currentSlot() -> ThreadSlot {
        if let pointer = lanes_current_thread_slot() {
            return Unmanaged<ThreadSlot>.fromOpaque(pointer).takeUnretainedValue()
        }
        let slot = ThreadSlot()
        let retained = Unmanaged.passRetained(slot).toOpaque()
        pthread_setspecific(key, retained)
        lanes_set_current_thread_slot(retained)
        return slot
    }
}

/// A thread's buffers, one per recording it has recorded into (usually exactly one).
final class ThreadSlot {
    var buffers: [ThreadBuffer] = []
    /// The buffer used last; always one of `buffers`, which keeps it alive, so reading it need
    /// not retain it.
    var currentReference: Unmanaged<ThreadBuffer>?
    var current: ThreadBuffer? {
        get { currentReference?.takeUnretainedValue() }
        set { currentReference = newValue.map { Unmanaged.passUnretained($0) } }
    }
    var isExecutor = false
    /// Whether Lanes named this thread itself; its `isExecutor` is then final.
    var isDescribed = false
    /// This thread's number in traces, assigned on first use.
    lazy var threadNumber: UInt64 = ThreadSlot.currentThreadID()
    /// This thread's name: given by Lanes for its own threads, else the kernel's.
    lazy var name: String = ThreadSlot.currentThreadName()

    func buffer(for recorder: Recorder) -> ThreadBuffer {
        buffers.removeAll { !$0.recorder.isRunning && $0 !== current }
        if let existing = buffers.first(where: { $0.recorder === recorder }) {
            current = existing
            return existing
        }
        let buffer = ThreadBuffer(
            recorder: recorder, threadID: threadNumber, threadName: name,
            isExecutor: isDescribed ? isExecutor : TaskIdentity.isOnExecutor())
        buffers.append(buffer)
        current = buffer
        return buffer
    }

    /// Lanes numbers threads in the order they first record (1, 2, …), stable across runs.
    private static let nextThreadNumber = Atomic<UInt64>(1)

    static func currentThreadID() -> UInt64 {
        nextThreadNumber.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// The kernel's name for the calling thread (at most 15 bytes), from `/proc/thread-self/comm`.
    static func currentThreadName() -> String {
        let descriptor = open("/proc/thread-self/comm", O_RDONLY)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return "" }
        return String(decoding: bytes[0..<count].prefix { $0 != 0x0A && $0 != 0 }, as: UTF8.self)
    }
}
