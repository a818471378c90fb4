import CLanesRuntime
import LanesModel

#if canImport(Glibc)
import Glibc
#endif

/// Samples one executor thread (one worker slot) for the watchdog: its scheduler state and
/// counters, and its stack, taken without changing what the thread does: a thread blocked in
/// the kernel is read from outside, a running one is signalled (see LanesWatchdog.h).
///
/// Owned and used by the watchdog thread only.
final class WatchdogSampler {
    let slot: Int32
    private(set) var threadID: Int32 = 0
    private var statFile: Int32 = -1
    private var schedstatFile: Int32 = -1
    private var syscallFile: Int32 = -1
    /// Where the stack is copied; replaced (never freed) if a handler is abandoned while it may
    /// still write to it.
    private var capture: UnsafeMutablePointer<lanes_stack_capture>?
    private var frames = [UInt](repeating: 0, count: Int(LANES_MAXIMUM_FRAMES))

    /// The job being watched on this thread.
    struct Job {
        var sequence: UInt64
        var started: Int64
        var task: UInt64
        var nextLook: Int64
        /// Counters read at the job's look, before its first stack sample.
        var baseline: WatchdogSample?
        var sampled = false
        var unansweredSignals = 0
        var signalsStopped = false
        /// A capture request is open for this job (its thread had not answered yet).
        var captureArmed = false
    }

    var job: Job?

    init(slot: Int32) {
        self.slot = slot
    }

    deinit {
        closeFiles()
    }

    /// What one look found.
    struct WatchdogSample {
        var time: Int64
        var state: UInt8
        var cpuNanoseconds: Int64
        var runQueueNanoseconds: Int64
        var task: UInt64
        var flags: SampleFlags
        /// The stack as sampled: the program counter, then return addresses.
        var frames: [UInt64]
    }

    /// Opens the thread's /proc files if the slot's thread changed. Returns false if they
    /// cannot be opened (the thread is gone).
    func follow(threadID newThreadID: Int32) -> Bool {
        if newThreadID == threadID, statFile >= 0 { return true }
        closeFiles()
        threadID = newThreadID
        func openFile(_ name: String) -> Int32 { open("/proc/self/task/\(newThreadID)/\(name)", O_RDONLY | O_CLOEXEC) }
        statFile = openFile("stat")
        schedstatFile = openFile("schedstat")
        syscallFile = openFile("syscall")
        if statFile < 0 || schedstatFile < 0 {
            closeFiles()
            return false
        }
        return true
    }

    func closeFiles() {
        for file in [statFile, schedstatFile, syscallFile] where file >= 0 { close(file) }
        statFile = -1
        schedstatFile = -1
        syscallFile = -1
        threadID = 0
    }

    /// The scheduler's view of the thread now, or nil when it cannot be read.
    func readSchedule() -> lanes_thread_schedule? {
        var schedule = lanes_thread_schedule()
        return lanes_read_thread_schedule(threadID, statFile, schedstatFile, &schedule) == 0 ? schedule : nil
    }

    /// Counters only, for a job's look before its first stack sample.
    func look(now: Int64) -> WatchdogSample? {
        guard let schedule = readSchedule() else { return nil }
        return WatchdogSample(
            time: now, state: UInt8(bitPattern: schedule.state), cpuNanoseconds: Int64(schedule.cpu_nanoseconds),
            runQueueNanoseconds: Int64(schedule.run_queue_nanoseconds), task: 0, flags: .baseline, frames: [])
    }

    /// A full sample: counters and stack. `mayReadCurrentTask` lets the signal handler ask the
    /// runtime for the current task (WatchdogSignal.c, invariant 6). Nil when the thread could
    /// not be read or its job ended meanwhile.
    func sample(
        now: Int64, job: inout Job, stackHigh: UInt, signalAvailable: Bool, mayReadCurrentTask: Bool, codeRanges: [UInt]
    ) -> WatchdogSample? {
        guard let schedule = readSchedule() else { return nil }
        var result = WatchdogSample(
            time: now, state: UInt8(bitPattern: schedule.state), cpuNanoseconds: Int64(schedule.cpu_nanoseconds),
            runQueueNanoseconds: Int64(schedule.run_queue_nanoseconds), task: job.task, flags: [], frames: [])
        let running = schedule.state == CChar(UInt8(ascii: "R"))
        if running && lanes_thread_cpu_nanoseconds(threadID) == schedule.cpu_nanoseconds {
            result.flags.insert(.waitingForProcessor)  // its CPU clock stood still since the reading above
        }
        var unwind: lanes_unwind_input?
        // A request left open at an earlier sample (the thread was waiting for a CPU then) is
        // settled first: its buffer is the request's until then.
        if job.captureArmed {
            switch lanes_watchdog_wait_for_capture(slot, 0) {
            case LANES_CAPTURE_DONE:
                job.captureArmed = false
                if running { unwind = use(capture, for: &job, into: &result, stackHigh: stackHigh) }
            case LANES_CAPTURE_PENDING where running:
                result.flags.insert(.signalUnanswered)
                job.unansweredSignals += 1
                if job.unansweredSignals >= WatchdogTiming.maximumUnansweredSignals { withdraw(&job) }
            case LANES_CAPTURE_PENDING:
                withdraw(&job)  // blocked (uninterruptibly) with the signal still pending
            case LANES_CAPTURE_ABANDONED:
                abandon(&job)
            default:
                job.captureArmed = false
            }
        }
        guard let buffer = captureBuffer() else { return result }
        if running {
            if unwind == nil && !job.captureArmed && signalAvailable && !job.signalsStopped,
               lanes_watchdog_request_capture(slot, buffer, mayReadCurrentTask ? 1 : 0) == 0 {
                switch lanes_watchdog_wait_for_capture(slot, WatchdogTiming.signalTimeout) {
                case LANES_CAPTURE_DONE:
                    job.unansweredSignals = 0
                    unwind = use(buffer, for: &job, into: &result, stackHigh: stackHigh)
                case LANES_CAPTURE_PENDING:
                    // It answers when it gets a CPU; the next sample collects the stack.
                    job.captureArmed = true
                    result.flags.insert(.signalUnanswered)
                    job.unansweredSignals += 1
                case LANES_CAPTURE_ABANDONED:
                    abandon(&job)
                default:
                    break
                }
            }
        } else if schedule.state != CChar(UInt8(ascii: "Z")) && syscallFile >= 0 && !job.captureArmed {
            let capture = buffer
            var sp: UInt = 0
            var pc: UInt = 0
            var call: Int64 = 0
            if lanes_read_blocked_registers(syscallFile, &sp, &pc, &call) == 1 {
                let copied = lanes_copy_memory(sp, stackHigh, capturedStack(capture), UInt32(LANES_CAPTURE_STACK_BYTES))
                capture.pointee.stack_bytes = copied
                // The copy is consistent only if the thread did not run while it was taken.
                if lanes_read_thread_timeslices(schedstatFile) == schedule.timeslices,
                   lanes_thread_cpu_nanoseconds(threadID) == schedule.cpu_nanoseconds {
                    result.flags.insert(.readWhileBlocked)
                    unwind = unwindInput(capture, pc: pc, sp: sp, fp: 0, lr: 0, stackHigh: stackHigh)
                } else {
                    result.flags.insert(.stackDiscarded)
                }
            }
        }
        if var input = unwind {
            var flags: UInt32 = 0
            let count = codeRanges.withUnsafeBufferPointer { ranges in
                input.code_ranges = ranges.baseAddress
                input.code_range_count = UInt32(ranges.count / 2)
                return frames.withUnsafeMutableBufferPointer {
                    Int(lanes_unwind(&input, $0.baseAddress, Int32($0.count), &flags))
                }
            }
            result.frames = frames[0..<count].map { UInt64($0) }
            if flags & UInt32(LANES_UNWIND_TRUNCATED) != 0 { result.flags.insert(.truncated) }
        }
        return result
    }

    /// Takes a completed capture as this sample's stack (if it is of this job); nil otherwise.
    private func use(
        _ capture: UnsafeMutablePointer<lanes_stack_capture>?, for job: inout Job, into result: inout WatchdogSample,
        stackHigh: UInt
    ) -> lanes_unwind_input? {
        guard let capture, capture.pointee.job_sequence == job.sequence else { return nil }
        result.flags.insert(.signalled)
        result.flags.remove(.waitingForProcessor)
        if capture.pointee.current_task != 0 { result.task = capture.pointee.current_task }
        if capture.pointee.interrupted_system_call != 0 {
            result.flags.insert(.interruptedSystemCall)
            job.signalsStopped = true
        }
        return unwindInput(capture, pc: capture.pointee.pc, sp: capture.pointee.sp, fp: capture.pointee.fp,
                           lr: capture.pointee.lr, stackHigh: stackHigh)
    }

    /// Closes the job's open request and signals it no more.
    func withdraw(_ job: inout Job) {
        if job.captureArmed, lanes_watchdog_withdraw_capture(slot) == LANES_CAPTURE_ABANDONED { capture = nil }
        job.captureArmed = false
        job.signalsStopped = true
    }

    /// A handler is stuck in the buffer: never reuse it, and signal this job no more.
    private func abandon(_ job: inout Job) {
        capture = nil
        job.captureArmed = false
        job.signalsStopped = true
    }

    private func captureBuffer() -> UnsafeMutablePointer<lanes_stack_capture>? {
        if capture == nil { capture = lanes_stack_capture_allocate() }
        return capture
    }

    private func capturedStack(_ capture: UnsafeMutablePointer<lanes_stack_capture>) -> UnsafeMutablePointer<UInt8> {
        lanes_stack_capture_bytes(capture)
    }

    private func unwindInput(
        _ capture: UnsafeMutablePointer<lanes_stack_capture>, pc: UInt, sp: UInt, fp: UInt, lr: UInt, stackHigh: UInt
    ) -> lanes_unwind_input {
        var input = lanes_unwind_input()
        input.stack = UnsafePointer(capturedStack(capture))
        input.stack_bytes = capture.pointee.stack_bytes
        input.sp = sp
        input.pc = pc
        input.fp = fp
        input.lr = lr
        input.stack_high = stackHigh
        return input
    }
}
