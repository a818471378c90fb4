import CLanesRuntime
import LanesFormat
import LanesModel

#if canImport(Glibc)
import Glibc
#endif

/// The watchdog thread's loop: wakes every `WatchdogTiming.scanInterval`, and sooner when a long
/// job is due for a sample, looks at every watched worker slot, samples what is due, records
/// the samples, and sleeps again.
///
/// When nothing blocks, a wake-up reads a few words per executor thread and goes back to sleep;
/// the wake-up itself (a timer and two context switches) is most of its cost, so jobs younger
/// than `lookAge` never cause one of their own. `LanesBenchmarks watchdog` measures it.
final class WatchdogLoop {
    private let settings: WatchdogSettings
    private var samplers: [WatchdogSampler] = []
    /// The time after which the dynamic loader was last seen to add an image: a job that started
    /// later has the runtime's thread-local storage in place (WatchdogSignal.c, invariant 6).
    private var loaderSettledAt: Int64
    private var loaderAdditions: UInt64
    /// Recordings that received the image list (they get later additions too).
    private var recordings: [Unmanaged<Recorder>] = []

    init(settings: WatchdogSettings) {
        self.settings = settings
        loaderAdditions = UInt64(lanes_loaded_image_additions())
        loaderSettledAt = MonotonicClock.now()
    }

    func run() {
        while true {
            let now = MonotonicClock.now()
            guard Recorder.runningCount.load(ordering: .relaxed) > 0 else {
                forgetFinishedRecordings()
                sleep(until: now + WatchdogTiming.idleSleep)
                continue
            }
            noticeLoadedImages(now: now)
            var wake = now + WatchdogTiming.scanInterval
            let slotCount = Int(lanes_worker_slot_count())
            while samplers.count < slotCount { samplers.append(WatchdogSampler(slot: Int32(samplers.count))) }
            for sampler in samplers {
                if let due = visit(sampler, now: now) { wake = min(wake, due) }
            }
            sleep(until: wake)
        }
    }

    /// Looks at one slot; returns when it next needs a visit (nil: only when a new job starts).
    private func visit(_ sampler: WatchdogSampler, now: Int64) -> Int64? {
        let slot = lanes_worker_slot_read(sampler.slot)
        guard slot.in_use != 0, slot.job_started != 0 else {
            finish(sampler)
            if slot.in_use == 0, sampler.threadID != 0 { sampler.closeFiles() }
            return nil
        }
        if sampler.job?.sequence != slot.job_sequence || sampler.job?.started != slot.job_started {
            finish(sampler)
            sampler.job = WatchdogSampler.Job(
                sequence: slot.job_sequence, started: slot.job_started, task: slot.job_task,
                nextLook: slot.job_started + WatchdogTiming.lookAge)
        }
        guard var job = sampler.job else { return nil }
        // A young job is seen again at the next scan; one already looked at is due on time.
        guard now >= job.nextLook else { return job.baseline != nil || job.sampled ? job.nextLook : nil }
        guard let recorder = recorder(of: slot), sampler.follow(threadID: slot.thread_id) else { return nil }
        defer { sampler.job = job }
        if job.baseline == nil && !job.sampled && now - job.started < WatchdogTiming.firstSampleAge {
            job.baseline = sampler.look(now: now)
            job.nextLook = job.started + WatchdogTiming.firstSampleAge
            return job.nextLook
        }
        let cpuBefore = WatchdogCost.threadCPU()
        let sample = sampler.sample(
            now: now, job: &job, stackHigh: slot.stack_high, signalAvailable: settings.signal != 0,
            mayReadCurrentTask: job.started > loaderSettledAt, codeRanges: LoadedImages.shared.codeRanges)
        let spent = WatchdogCost.threadCPU() - cpuBefore
        WatchdogCost.total.withLock { cost in
            if sample?.state == UInt8(ascii: "R") {
                cost.runningSamples += 1
                cost.runningNanoseconds += spent
                if sample?.flags.contains(.signalled) == true {
                    cost.signalledSamples += 1
                    cost.signalledNanoseconds += spent
                }
            } else {
                cost.blockedSamples += 1
                cost.blockedNanoseconds += spent
            }
        }
        job.nextLook = WatchdogTiming.nextSample(started: job.started, now: MonotonicClock.now())
        // A job that ended while it was sampled must not lend its counters or stack to the next.
        let after = lanes_worker_slot_read(sampler.slot)
        guard let sample, after.job_sequence == job.sequence, after.job_started == job.started else {
            return job.nextLook
        }
        if let first = sample.frames.first, !LoadedImages.shared.contains(first),
           let images = LoadedImages.shared.refreshIfChanged(force: true, now: now) {
            send(images)
        }
        if let baseline = job.baseline, !job.sampled {
            record(baseline, of: job, thread: slot.trace_thread, into: recorder)
        }
        job.sampled = true
        record(sample, of: job, thread: slot.trace_thread, into: recorder)
        return job.nextLook
    }

    /// Forgets the slot's job, closing a capture request still open for it.
    private func finish(_ sampler: WatchdogSampler) {
        if var job = sampler.job, job.captureArmed { sampler.withdraw(&job) }
        sampler.job = nil
    }

    private func record(_ sample: WatchdogSampler.WatchdogSample, of job: WatchdogSampler.Job, thread: UInt64, into recorder: Unmanaged<Recorder>) {
        recorder._withUnsafeGuaranteedRef { recorder in
            noteRecording(recorder)
            let stack = sample.frames.isEmpty ? 0 : recorder.watchdogStackID(sample.frames)
            let task = sample.task != 0 ? sample.task : job.task
            ThreadLocalBuffers.buffer(for: recorder).append(time: sample.time) {
                $0.sample(
                    thread: thread, task: task, time: sample.time, jobStarted: job.started, state: sample.state,
                    flags: sample.flags.rawValue, cpuNanoseconds: sample.cpuNanoseconds,
                    runQueueNanoseconds: sample.runQueueNanoseconds, stack: stack)
            }
        }
    }

    /// The running recording a slot's samples go to.
    private func recorder(of slot: lanes_worker_slot_view) -> Unmanaged<Recorder>? {
        let scoped = slot.recorder.map { Unmanaged<Recorder>.fromOpaque($0) }
        return Recorder.reference(for: SpanContext(recorder: scoped?.takeUnretainedValue(), span: 0, task: 0))
    }

    private func noteRecording(_ recorder: Recorder) {
        let reference = Unmanaged.passUnretained(recorder)
        guard !recordings.contains(where: { $0.toOpaque() == reference.toOpaque() }) else { return }
        recordings.append(reference)
        recorder.noteLoadedImages(LoadedImages.shared.images)
    }

    private func forgetFinishedRecordings() {
        recordings.removeAll { !$0._withUnsafeGuaranteedRef { $0.isRunning } }
    }

    /// Polls the loader's counter; on a change, reads the images again and sends the new ones
    /// to every recording that has images.
    private func noticeLoadedImages(now: Int64) {
        let additions = UInt64(lanes_loaded_image_additions())
        guard additions != loaderAdditions else { return }
        loaderAdditions = additions
        loaderSettledAt = now
        lanes_unwind_forget_code()
        if let images = LoadedImages.shared.refreshIfChanged(now: now) { send(images) }
    }

    private func send(_ images: [LoadedImage]) {
        forgetFinishedRecordings()
        for recording in recordings { recording._withUnsafeGuaranteedRef { $0.noteLoadedImages(images) } }
    }

    private func sleep(until time: Int64) {
        let delay = time - MonotonicClock.now()
        guard delay > 0 else { return }
        var request = timespec(tv_sec: Int(delay / 1_000_000_000), tv_nsec: Int(delay % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
