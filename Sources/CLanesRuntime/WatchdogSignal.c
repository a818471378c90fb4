// The watchdog's signal: how it copies the registers and the top of the stack of an executor
// thread that is running (state R), from inside that thread. Everything the handler touches was
// allocated beforehand; it takes no lock and calls nothing that is not async-signal-safe.
//
// Invariants (each relied on below, where marked [n]):
//  1. The handler is installed only when the signal's disposition was the default, so no one
//     else expects it; it acts only on signals this process queued itself (SI_QUEUE, our pid),
//     carrying a worker-slot index in si_value.
//  2. A request moves IDLE → REQUESTED (watchdog, after setting `capture`) → CAPTURING (handler,
//     by compare-and-swap) → DONE (handler) → IDLE (watchdog). The watchdog may take back a
//     request that no handler started (REQUESTED → IDLE by compare-and-swap), so exactly one
//     side owns the buffer at any time. A late or stray signal finds IDLE and does nothing.
//  3. The handler copies only [SP, min(SP + LANES_CAPTURE_STACK_BYTES, stack_high)) and only
//     when SP lies inside the slot's stack [stack_low, stack_high): memory the interrupted
//     thread's own frames occupy, mapped for as long as the thread runs (which it does while its
//     handler runs). The signal frame itself lies below SP (and below the red zone).
//  4. The handler checks that the slot's kernel thread id is its own, so a signal that reached
//     a reused thread id copies nothing.
//  5. errno is saved and restored; the only calls are syscall(2) (gettid, futex), memcpy and
//     the span clock (rdtsc or the vDSO's clock_gettime).
//  6. The Swift runtime's current task is read (swift_task_getCurrent, which goes through
//     glibc's __tls_get_addr) only when the watchdog allows it: when no image has been loaded
//     since the job started. The runtime's TLS block is then already in the thread's dynamic
//     thread vector (the runtime touched it to start the job), so __tls_get_addr takes its fast
//     path, which neither allocates nor locks.
//  7. The signal is sent only to threads that were running a moment before (never to one blocked
//     in the kernel), with SA_RESTART. A thread that enters a system call in the microseconds
//     between the watchdog's check and the signal can still see it: restartable calls restart,
//     but sleeps and waits with a timeout return EINTR. The handler detects that case (the
//     instruction before PC is the system-call instruction and the result register holds
//     -EINTR) and reports it, and the watchdog stops signalling that job.
#define _GNU_SOURCE
#include "LanesWatchdog.h"
#include "LanesWorkerSlots.h"
#include "LanesTaskIdentity.h"
#include "LanesSpanClock.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

enum { REQUEST_IDLE = 0, REQUEST_REQUESTED = 1, REQUEST_CAPTURING = 2, REQUEST_DONE = 3 };

typedef struct {
    /// The request state [2]; also the futex word the watchdog waits on.
    uint32_t state;
    /// Whether the handler may ask the runtime for the current task [6].
    int32_t read_current_task;
    /// The buffer of the open request, set before REQUESTED is published.
    lanes_stack_capture *capture;
    /// Signals sent to the slot's thread (watchdog only) and handlers entered for the slot (the
    /// handler adds one each time): while they differ a signal is still pending, and no other is
    /// sent, so a thread that waits long for a CPU (or blocks the signal) never has a queue of
    /// them.
    uint32_t sent;
    uint32_t delivered;
    /// The thread `sent` counts signals to: a new thread in the slot starts with none pending
    /// (a signal pending for an exited thread died with it).
    int32_t sent_to;
} lanes_capture_request;

static lanes_capture_request requests[LANES_WORKER_SLOT_COUNT];
static int installed_signal = 0;
static pid_t process_id = 0;
static uid_t process_user = 0;
static void (*installed_action)(int, siginfo_t *, void *) = 0;

lanes_stack_capture *lanes_stack_capture_allocate(void) {
    return calloc(1, sizeof(lanes_stack_capture));
}

static int instruction_before_is_system_call(uintptr_t pc) {
#if defined(__x86_64__)
    // Reading the two bytes before PC stays on PC's page, which is mapped and executable: the
    // thread was executing there.
    if ((pc & 4095) < 2) return 0;
    const uint8_t *code = (const uint8_t *)pc;
    return code[-2] == 0x0F && code[-1] == 0x05;  // syscall
#elif defined(__aarch64__)
    if ((pc & 4095) < 4) return 0;
    uint32_t instruction;
    memcpy(&instruction, (const void *)(pc - 4), 4);
    return instruction == 0xD4000001;  // svc #0
#else
    (void)pc;
    return 0;
#endif
}

static void lanes_watchdog_handler(int signal_number, siginfo_t *info, void *context) {
    (void)signal_number;
    int saved_errno = errno;  // [5]
    // [1] Only our own queued requests.
    if (info == NULL || info->si_code != SI_QUEUE || info->si_pid != process_id) goto done;
    int slot = info->si_value.sival_int;
    if (slot < 0 || slot >= LANES_WORKER_SLOT_COUNT) goto done;
    lanes_worker_slot *worker = &lanes_worker_slots[slot];
    // [4] The slot must describe this very thread.
    if (__atomic_load_n(&worker->thread_id, __ATOMIC_RELAXED) != (int32_t)syscall(SYS_gettid)) goto done;
    lanes_capture_request *request = &requests[slot];
    __atomic_fetch_add(&request->delivered, 1, __ATOMIC_RELEASE);
    uint32_t expected = REQUEST_REQUESTED;
    // [2] Take the request; from here until DONE the buffer is the handler's.
    if (!__atomic_compare_exchange_n(&request->state, &expected, REQUEST_CAPTURING, 0,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        goto done;
    }
    lanes_stack_capture *capture = request->capture;
    ucontext_t *interrupted = (ucontext_t *)context;
    uintptr_t pc = 0, sp = 0, fp = 0, lr = 0, result = 0;
#if defined(__x86_64__)
    pc = (uintptr_t)interrupted->uc_mcontext.gregs[REG_RIP];
    sp = (uintptr_t)interrupted->uc_mcontext.gregs[REG_RSP];
    fp = (uintptr_t)interrupted->uc_mcontext.gregs[REG_RBP];
    result = (uintptr_t)interrupted->uc_mcontext.gregs[REG_RAX];
#elif defined(__aarch64__)
    pc = (uintptr_t)interrupted->uc_mcontext.pc;
    sp = (uintptr_t)interrupted->uc_mcontext.sp;
    fp = (uintptr_t)interrupted->uc_mcontext.regs[29];
    lr = (uintptr_t)interrupted->uc_mcontext.regs[30];
    result = (uintptr_t)interrupted->uc_mcontext.regs[0];
#else
    (void)interrupted;
#endif
    capture->pc = pc;
    capture->sp = sp;
    capture->fp = fp;
    capture->lr = lr;
    // [7] A system call this signal cut short returned -EINTR right before PC.
    capture->interrupted_system_call =
        pc != 0 && (intptr_t)result == -EINTR && instruction_before_is_system_call(pc);
    uint32_t copied = 0;
    uintptr_t low = worker->stack_low, high = worker->stack_high;
    if (sp != 0 && sp >= low && sp < high) {  // [3]
        uintptr_t available = high - sp;
        copied = available < LANES_CAPTURE_STACK_BYTES ? (uint32_t)available : LANES_CAPTURE_STACK_BYTES;
        memcpy(capture->stack, (const void *)sp, copied);
    }
    capture->stack_bytes = copied;
    capture->current_task = request->read_current_task ? lanes_current_task_id() : 0;  // [6]
    capture->job_sequence = __atomic_load_n(&worker->job_sequence, __ATOMIC_RELAXED);
    capture->captured_at = lanes_monotonic_nanoseconds();
    __atomic_store_n(&request->state, REQUEST_DONE, __ATOMIC_RELEASE);
    syscall(SYS_futex, &request->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
done:
    errno = saved_errno;
}

int lanes_watchdog_install_signal(int signal_number, char *reason, size_t reason_size) {
    if (installed_signal == signal_number && lanes_watchdog_signal_is_ours()) return 0;
    if (signal_number < SIGRTMIN || signal_number > SIGRTMAX) {
        snprintf(reason, reason_size, "signal %d is not a real-time signal (%d to %d)", signal_number,
                 SIGRTMIN, SIGRTMAX);
        return -1;
    }
    struct sigaction current;
    if (sigaction(signal_number, NULL, &current) != 0) {
        snprintf(reason, reason_size, "cannot read the disposition of signal %d", signal_number);
        return -1;
    }
    if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) {  // [1]
        snprintf(reason, reason_size, "signal %d already has a handler", signal_number);
        return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = lanes_watchdog_handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;  // [7]
    sigemptyset(&action.sa_mask);
    process_id = getpid();
    process_user = getuid();
    if (sigaction(signal_number, &action, NULL) != 0) {
        snprintf(reason, reason_size, "cannot install a handler for signal %d", signal_number);
        return -1;
    }
    installed_signal = signal_number;
    installed_action = lanes_watchdog_handler;
    return 0;
}

void lanes_realtime_signal_range(int *lowest, int *highest) {
    *lowest = SIGRTMIN;
    *highest = SIGRTMAX;
}

int lanes_watchdog_signal_is_ours(void) {
    if (installed_signal == 0) return 0;
    struct sigaction current;
    if (sigaction(installed_signal, NULL, &current) != 0) return 0;
    return (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == installed_action;
}

void lanes_watchdog_prepare_worker_thread(void) {
    if (installed_signal == 0) return;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, installed_signal);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static int wait_for_state_change(uint32_t *word, uint32_t seen, int64_t timeout_nanoseconds) {
    struct timespec timeout = {
        .tv_sec = timeout_nanoseconds / 1000000000, .tv_nsec = timeout_nanoseconds % 1000000000};
    return (int)syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, &timeout, NULL, 0);
}

int lanes_watchdog_request_capture(int32_t slot, lanes_stack_capture *into, int read_current_task) {
    if (slot < 0 || slot >= LANES_WORKER_SLOT_COUNT || installed_signal == 0) return -1;
    lanes_capture_request *request = &requests[slot];
    uint32_t previous = __atomic_load_n(&request->state, __ATOMIC_ACQUIRE);
    // A handler abandoned earlier is still running (or its DONE was never collected): this slot
    // takes no new request until it has finished, so its late DONE cannot be mistaken for ours.
    if (previous == REQUEST_CAPTURING || previous == REQUEST_REQUESTED) return -1;
    int32_t thread_id = __atomic_load_n(&lanes_worker_slots[slot].thread_id, __ATOMIC_RELAXED);
    if (request->sent_to != thread_id) {
        request->sent_to = thread_id;
        request->sent = __atomic_load_n(&request->delivered, __ATOMIC_ACQUIRE);
    }
    request->capture = into;
    request->read_current_task = read_current_task;
    __atomic_store_n(&request->state, REQUEST_REQUESTED, __ATOMIC_RELEASE);  // [2]
    // A signal sent earlier and not handled yet will run the handler, which now finds this
    // request armed: no second one is queued.
    if (__atomic_load_n(&request->delivered, __ATOMIC_ACQUIRE) != request->sent) return 0;
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    info.si_signo = installed_signal;
    info.si_code = SI_QUEUE;
    info.si_pid = process_id;
    info.si_uid = process_user;
    info.si_value.sival_int = slot;
    // rt_tgsigqueueinfo names the thread by its kernel id: unlike pthread_sigqueue it cannot
    // touch a pthread_t whose thread has exited.
    if (syscall(SYS_rt_tgsigqueueinfo, process_id, thread_id, installed_signal, &info) != 0) {
        __atomic_store_n(&request->state, REQUEST_IDLE, __ATOMIC_RELAXED);
        return -1;
    }
    request->sent += 1;
    return 0;
}

lanes_capture_result lanes_watchdog_wait_for_capture(int32_t slot, int64_t timeout_nanoseconds) {
    if (slot < 0 || slot >= LANES_WORKER_SLOT_COUNT) return LANES_CAPTURE_NOT_SENT;
    lanes_capture_request *request = &requests[slot];
    int64_t deadline = lanes_system_monotonic_nanoseconds() + timeout_nanoseconds;
    int64_t abandon_at = deadline + 1000000000;
    while (1) {
        uint32_t state = __atomic_load_n(&request->state, __ATOMIC_ACQUIRE);
        if (state == REQUEST_DONE) {
            __atomic_store_n(&request->state, REQUEST_IDLE, __ATOMIC_RELAXED);
            return LANES_CAPTURE_DONE;
        }
        if (state == REQUEST_IDLE) return LANES_CAPTURE_NOT_SENT;
        int64_t now = lanes_system_monotonic_nanoseconds();
        // Still armed: the thread has not run its handler (it waits for a CPU); the request stays
        // open for the handler to fill later.
        if (state == REQUEST_REQUESTED && now >= deadline) return LANES_CAPTURE_PENDING;
        if (state == REQUEST_CAPTURING && now >= abandon_at) {
            // The thread stopped inside the handler (a debugger, SIGSTOP): the handler may
            // still write to the buffer later, so the caller must never reuse it.
            return LANES_CAPTURE_ABANDONED;
        }
        int64_t until = state == REQUEST_REQUESTED ? deadline : abandon_at;
        wait_for_state_change(&request->state, state, until - now > 0 ? until - now : 1);
    }
}

lanes_capture_result lanes_watchdog_withdraw_capture(int32_t slot) {
    if (slot < 0 || slot >= LANES_WORKER_SLOT_COUNT) return LANES_CAPTURE_NOT_SENT;
    lanes_capture_request *request = &requests[slot];
    uint32_t expected = REQUEST_REQUESTED;
    // [2] A handler that has not started finds IDLE and copies nothing.
    if (__atomic_compare_exchange_n(&request->state, &expected, REQUEST_IDLE, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        return LANES_CAPTURE_WITHDRAWN;
    }
    // It started (it finishes in microseconds) or finished: collect it.
    return lanes_watchdog_wait_for_capture(slot, 0) == LANES_CAPTURE_DONE ? LANES_CAPTURE_DONE : LANES_CAPTURE_ABANDONED;
}
