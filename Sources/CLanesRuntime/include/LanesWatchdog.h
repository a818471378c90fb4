#ifndef LANES_WATCHDOG_H
#define LANES_WATCHDOG_H

#include <stddef.h>
#include <stdint.h>

#include "LanesWorkerSlots.h"

// The unsafe half of the watchdog: what it needs from below Swift to look at an executor thread
// that has been running one job for a while, without changing what that thread does.
//
// - Threads blocked in the kernel (state S or D) are never signalled: a signal would end an
//   interruptible sleep early (nanosleep returns EINTR whatever SA_RESTART says). Their user PC
//   and SP come from /proc/self/task/TID/syscall and their stack is read with
//   process_vm_readv, which fails cleanly instead of faulting if the memory went away.
// - Threads on a CPU or waiting for one (state R) are sent a real-time signal whose handler
//   copies the registers and the top of the stack into a buffer the watchdog allocated
//   beforehand (WatchdogSignal.c states its invariants).
// - The watchdog thread then walks the copy (StackUnwind.c) and records what it found.

/// How much of a stack is copied, from SP upwards: deep enough for the frames between a job's
/// start and its blocking call in any real program, small enough to copy in microseconds.
#define LANES_CAPTURE_STACK_BYTES (64 * 1024)
/// The most frames a stack keeps (deeper frames are dropped and the stack is marked truncated).
#define LANES_MAXIMUM_FRAMES 128

/// What the signal handler copies out of an interrupted thread. Allocated by the watchdog thread
/// (`lanes_stack_capture_allocate`) and written only by the handler while a request is open.
typedef struct {
    /// The interrupted thread's registers: program counter, stack pointer, frame pointer, and
    /// on AArch64 the link register (0 elsewhere).
    uintptr_t pc;
    uintptr_t sp;
    uintptr_t fp;
    uintptr_t lr;
    /// The Swift runtime's current task on the thread (0: none, or not read).
    uint64_t current_task;
    /// The slot's job sequence when the handler ran.
    uint64_t job_sequence;
    /// When the handler ran (span clock).
    int64_t captured_at;
    /// Bytes copied into `stack` from `sp` upwards.
    uint32_t stack_bytes;
    /// 1 when the signal arrived as a system call returned EINTR because of it: the watchdog
    /// lost a race with the thread entering the kernel (see WatchdogSignal.c), and counts it.
    int32_t interrupted_system_call;
    uint8_t stack[LANES_CAPTURE_STACK_BYTES];
} lanes_stack_capture;

/// What the watchdog reads of a worker slot, each field loaded atomically (the executor thread
/// writes them while the watchdog reads).
typedef struct {
    int32_t in_use;
    int32_t thread_id;
    uint64_t trace_thread;
    int64_t job_started;
    uint64_t job_task;
    uint64_t job_sequence;
    void *recorder;
    uintptr_t stack_high;
} lanes_worker_slot_view;

/// Reads worker slot `slot`. `job_started` is read with acquire ordering, after which the job's
/// task and sequence (stored before it) are those of the job that started then, or of a later
/// one, which a second reading's sequence reveals.
static inline lanes_worker_slot_view lanes_worker_slot_read(int32_t slot) {
    lanes_worker_slot *entry = &lanes_worker_slots[slot];
    lanes_worker_slot_view view;
    view.in_use = __atomic_load_n(&entry->in_use, __ATOMIC_ACQUIRE);
    view.job_started = __atomic_load_n(&entry->job_started, __ATOMIC_ACQUIRE);
    view.job_task = __atomic_load_n(&entry->job_task, __ATOMIC_RELAXED);
    view.job_sequence = __atomic_load_n(&entry->job_sequence, __ATOMIC_RELAXED);
    view.thread_id = __atomic_load_n(&entry->thread_id, __ATOMIC_RELAXED);
    view.trace_thread = __atomic_load_n(&entry->trace_thread, __ATOMIC_RELAXED);
    view.recorder = __atomic_load_n(&entry->recorder, __ATOMIC_ACQUIRE);
    view.stack_high = __atomic_load_n(&entry->stack_high, __ATOMIC_RELAXED);
    return view;
}

/// How many worker slots have been used at some point.
static inline int32_t lanes_worker_slot_count(void) {
    return __atomic_load_n(&lanes_worker_slot_high_water, __ATOMIC_ACQUIRE);
}

/// The stack bytes of a capture (Swift does not import an array this large as a field).
static inline uint8_t *lanes_stack_capture_bytes(lanes_stack_capture *capture) {
    return capture->stack;
}

/// A new capture buffer (NULL when out of memory). Never freed while a signal may write to it.
lanes_stack_capture *lanes_stack_capture_allocate(void);

/// Installs the watchdog's handler for `signal_number`, only if that signal's disposition is the
/// default. Returns 0 when installed (or already installed by an earlier call), else -1 with a
/// one-line reason in `reason`.
int lanes_watchdog_install_signal(int signal_number, char *reason, size_t reason_size);

/// The range of real-time signal numbers (glibc reserves the first few for itself).
void lanes_realtime_signal_range(int *lowest, int *highest);

/// Whether the handler is still the one installed for the signal (an app may replace it later).
int lanes_watchdog_signal_is_ours(void);

/// Makes sure the calling thread (an executor thread) does not block the watchdog's signal.
void lanes_watchdog_prepare_worker_thread(void);

/// How asking a running thread for its stack went.
typedef enum {
    /// The handler filled the buffer; the request is closed.
    LANES_CAPTURE_DONE = 0,
    /// No request is open (none was made, or the signal could not be sent).
    LANES_CAPTURE_NOT_SENT = 1,
    /// The request is still open: the thread has not run the handler yet (it waits for a CPU).
    /// The buffer stays the request's until a later wait returns DONE or a withdrawal succeeds.
    LANES_CAPTURE_PENDING = 2,
    /// The handler started but did not finish within a second: the buffer must be abandoned
    /// (never reused, the handler may still write to it).
    LANES_CAPTURE_ABANDONED = 3,
    /// The open request was closed before any handler took it.
    LANES_CAPTURE_WITHDRAWN = 4,
} lanes_capture_result;

/// Opens a request for the stack of worker slot `slot`'s thread, into `into`, and signals the
/// thread unless a signal sent earlier is still pending (it will serve). `read_current_task`
/// lets the handler ask the Swift runtime for the current task (WatchdogSignal.c, invariant 6).
/// Returns 0, or -1 when no request could be opened. Watchdog thread only, like the two below.
int lanes_watchdog_request_capture(int32_t slot, lanes_stack_capture *into, int read_current_task);

/// Waits up to `timeout_nanoseconds` for the open request of `slot`: DONE, PENDING (still
/// open), ABANDONED, or NOT_SENT when none is open.
lanes_capture_result lanes_watchdog_wait_for_capture(int32_t slot, int64_t timeout_nanoseconds);

/// Closes the open request of `slot`: WITHDRAWN if no handler took it, DONE if one completed it
/// meanwhile, ABANDONED if one is stuck in it.
lanes_capture_result lanes_watchdog_withdraw_capture(int32_t slot);

// MARK: /proc/self/task/TID

/// Scheduler facts about one thread, from its `stat` and `schedstat` files and its CPU clock.
typedef struct {
    /// The state letter: R running or runnable, S sleeping, D uninterruptible wait, T stopped, …
    char state;
    /// Cumulative time on a CPU (ns), from the thread's CPU-time clock, which includes the slice
    /// it is running now.
    uint64_t cpu_nanoseconds;
    /// Cumulative time waiting on a run queue for a CPU (ns). The kernel adds a wait when it
    /// ends (the thread gets a CPU), so a wait still going on is not in it yet.
    uint64_t run_queue_nanoseconds;
    /// How many times the thread has been given a CPU: unchanged means it did not run.
    uint64_t timeslices;
} lanes_thread_schedule;

/// Reads the state letter from an open `stat` file, the run-queue time and timeslices from an
/// open `schedstat` file and the CPU time from thread `thread_id`'s CPU-time clock. Returns 0,
/// or -1 when any cannot be read (the thread is gone).
int lanes_read_thread_schedule(int32_t thread_id, int stat_file, int schedstat_file, lanes_thread_schedule *into);

/// Reads only the timeslice count from an open `schedstat` file (0 on error): unchanged means
/// the thread did not run in between.
uint64_t lanes_read_thread_timeslices(int schedstat_file);

/// Thread `thread_id`'s cumulative CPU time (ns) from its CPU-time clock, 0 if it is gone. Two
/// readings microseconds apart differ only if the thread is on a CPU right now.
uint64_t lanes_thread_cpu_nanoseconds(int32_t thread_id);

/// Reads an open `syscall` file: 1 with the user SP and PC when the thread is blocked (in a
/// system call, or in the kernel for a page fault), 0 when it is running, -1 on error.
int lanes_read_blocked_registers(int syscall_file, uintptr_t *sp, uintptr_t *pc, int64_t *system_call);

/// This process's id, read once (for the watchdog thread's many reads of its own memory).
int lanes_own_process_id(void);

/// Copies up to `capacity` bytes of this process's memory from `address` (bounded by `limit`)
/// without faulting: returns the bytes copied (0 when the memory is not mapped).
uint32_t lanes_copy_memory(uintptr_t address, uintptr_t limit, uint8_t *into, uint32_t capacity);

// MARK: Unwinding

/// What the unwinder walks: a copy of a stack from `sp` up, and the registers.
typedef struct {
    const uint8_t *stack;
    uint32_t stack_bytes;
    uintptr_t sp;
    uintptr_t pc;
    /// 0 when unknown (a blocked thread's frame pointer is not in /proc).
    uintptr_t fp;
    /// AArch64's link register, 0 when unknown or on x86-64.
    uintptr_t lr;
    /// The end of the thread's stack: frame records must lie below it.
    uintptr_t stack_high;
    /// Executable address ranges, sorted: [start0, end0, start1, end1, …).
    const uintptr_t *code_ranges;
    uint32_t code_range_count;
} lanes_unwind_input;

/// Flags the unwinder sets.
enum {
    /// Frames continue beyond the copy or beyond `LANES_MAXIMUM_FRAMES`.
    LANES_UNWIND_TRUNCATED = 1,
    /// No frame record was found: the stack is PC plus scanned return addresses only.
    LANES_UNWIND_NO_FRAME_CHAIN = 2,
};

/// Walks the stack: the PC, then return addresses found between SP and the first frame record
/// (the callers of functions without frame pointers, such as libc's system-call wrappers), then
/// the frame-pointer chain. Every return address is checked to lie in `code_ranges` and to
/// follow a call instruction. Returns the number of frames written to `frames`.
int lanes_unwind(const lanes_unwind_input *input, uintptr_t *frames, int capacity, uint32_t *flags);

/// Forgets the code bytes and call targets the unwinder cached (call when the loader added or
/// removed an image: an address may hold other code now).
void lanes_unwind_forget_code(void);

// MARK: Loaded images

/// One loaded image (the program, a shared library, the vDSO).
typedef struct {
    uintptr_t base;
    /// The union of its executable segments: [text_start, text_end).
    uintptr_t text_start;
    uintptr_t text_end;
    /// The file's size and modification time when read (0 when unknown), so a symbolizer can
    /// tell a rebuilt file from the one that ran when there is no build id.
    uint64_t file_size;
    int64_t file_modified_nanoseconds;
    uint32_t build_id_length;
    uint8_t build_id[40];
    /// The file (the program's own path for the program, the vDSO's soname for it).
    char path[1024];
} lanes_image_record;

/// Copies the loaded images into `into` (at most `capacity`) and returns how many there are
/// (more than `capacity` when `into` was too small: call again with more room).
int lanes_copy_loaded_images(lanes_image_record *into, int capacity);

/// A counter that grows whenever an image is loaded (glibc's dlpi_adds): cheap to poll.
unsigned long long lanes_loaded_image_additions(void);

#endif
