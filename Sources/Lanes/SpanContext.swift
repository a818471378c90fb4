/// The span that new spans become children of, carried as a task-local value so that it follows
/// `await`s across threads and is inherited by child tasks (`async let`, task groups, `gather`).
/// Synchronous code on a plain thread sees it too: task-locals fall back to thread storage.
@usableFromInline
struct SpanContext: Sendable {
    /// The recording new spans go to; nil means the process-wide one. Unretained: recorders
    /// are never deallocated (see `Recorder.init`), and copying a context must not cost a retain.
    var recorderReference: Unmanaged<Recorder>?
    /// The enclosing span, 0 for none.
    var span: UInt64
    /// The task the enclosing span belongs to, 0 for none; work done on behalf of a task on a
    /// thread without one (Lanes' blocking pool) is drawn in this task's lane.
    var task: UInt64

    init(recorderReference: Unmanaged<Recorder>?, span: UInt64, task: UInt64) {
        self.recorderReference = recorderReference
        self.span = span
        self.task = task
    }

    init(recorder: Recorder?, span: UInt64, task: UInt64) {
        self.init(recorderReference: recorder.map { Unmanaged.passUnretained($0) }, span: span, task: task)
    }

    /// The recording new spans go to; nil means the process-wide one.
    var recorder: Recorder? {
        get { recorderReference?.takeUnretainedValue() }
        set { recorderReference = newValue.map { Unmanaged.passUnretained($0) } }
    }

    /// The task-local storage (declared without the property wrapper so that inlinable code,
    /// specialised in the app, can bind it).
    @usableFromInline static let local = TaskLocal(wrappedValue: SpanContext(recorder: nil, span: 0, task: 0))

    /// The context of the caller.
    static var current: SpanContext { local.get() }
}
