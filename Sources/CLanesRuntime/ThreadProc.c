// Reading another thread of this process from the outside: its scheduler state and counters from
// /proc/self/task/TID, its user registers while it is blocked in the kernel, and its memory.
// None of this stops or signals the thread. Files are read with pread at offset 0 on
// descriptors the watchdog keeps open: each such read makes the kernel generate the file anew.
#define _GNU_SOURCE
#include "LanesWatchdog.h"

#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int lanes_own_process_id(void) {
    // getpid is a system call in glibc; the watchdog asks for it on every read. A fork's child
    // has no watchdog thread, so the cached value is never used there.
    static int cached = 0;
    if (cached == 0) cached = getpid();
    return cached;
}

static int read_whole(int file, char *buffer, size_t size) {
    ssize_t count = pread(file, buffer, size - 1, 0);
    if (count <= 0) return -1;
    buffer[count] = 0;
    return (int)count;
}

int lanes_read_thread_schedule(int32_t thread_id, int stat_file, int schedstat_file, lanes_thread_schedule *into) {
    char text[1024];
    if (read_whole(stat_file, text, sizeof(text)) < 0) return -1;
    // "TID (NAME) S …": the name may hold spaces and parentheses, so the state follows the last ')'.
    char *close = strrchr(text, ')');
    if (close == NULL || close[1] != ' ' || close[2] == 0) return -1;
    into->state = close[2];
    if (read_whole(schedstat_file, text, sizeof(text)) < 0) return -1;
    char *cursor = text, *end = NULL;
    unsigned long long cpu = strtoull(cursor, &end, 10);
    if (end == cursor) return -1;
    cursor = end;
    unsigned long long waiting = strtoull(cursor, &end, 10);
    if (end == cursor) return -1;
    cursor = end;
    unsigned long long slices = strtoull(cursor, &end, 10);
    if (end == cursor) return -1;
    // schedstat's CPU time is brought up to date only at ticks and switches; the thread's CPU
    // clock includes the slice running now.
    uint64_t precise = lanes_thread_cpu_nanoseconds(thread_id);
    into->cpu_nanoseconds = precise != 0 ? precise : cpu;
    into->run_queue_nanoseconds = waiting;
    into->timeslices = slices;
    return 0;
}

uint64_t lanes_read_thread_timeslices(int schedstat_file) {
    char text[128];
    if (read_whole(schedstat_file, text, sizeof(text)) < 0) return 0;
    char *cursor = text, *end = NULL;
    strtoull(cursor, &end, 10);
    cursor = end;
    strtoull(cursor, &end, 10);
    cursor = end;
    return strtoull(cursor, &end, 10);
}

uint64_t lanes_thread_cpu_nanoseconds(int32_t thread_id) {
    // The kernel's clock id for one thread's CPU time, as pthread_getcpuclockid builds it from
    // the thread id (a per-thread clock, CPUCLOCK_SCHED): valid for any thread of this process.
    clockid_t clock = (clockid_t)(((unsigned)~thread_id) << 3) | 6;
    struct timespec time;
    if (clock_gettime(clock, &time) != 0) return 0;
    return (uint64_t)time.tv_sec * 1000000000ull + (uint64_t)time.tv_nsec;
}

int lanes_read_blocked_registers(int syscall_file, uintptr_t *sp, uintptr_t *pc, int64_t *system_call) {
    char text[512];
    if (read_whole(syscall_file, text, sizeof(text)) < 0) return -1;
    if (strncmp(text, "running", 7) == 0) return 0;
    // "NR ARG1 … ARG6 SP PC", or "-1 SP PC" when blocked outside a system call: SP and PC are
    // the last two fields either way.
    char *fields[9];
    int count = 0;
    char *save = NULL;
    for (char *field = strtok_r(text, " \n", &save); field != NULL && count < 9; field = strtok_r(NULL, " \n", &save)) {
        fields[count++] = field;
    }
    if (count != 3 && count != 9) return -1;
    *system_call = strtoll(fields[0], NULL, 10);
    *sp = (uintptr_t)strtoull(fields[count - 2], NULL, 16);
    *pc = (uintptr_t)strtoull(fields[count - 1], NULL, 16);
    return 1;
}

uint32_t lanes_copy_memory(uintptr_t address, uintptr_t limit, uint8_t *into, uint32_t capacity) {
    if (address == 0 || limit <= address) return 0;
    uintptr_t available = limit - address;
    size_t length = available < capacity ? (size_t)available : capacity;
    struct iovec local = {.iov_base = into, .iov_len = length};
    struct iovec remote = {.iov_base = (void *)address, .iov_len = length};
    // process_vm_readv on our own pid reads our own memory but reports EFAULT instead of
    // faulting when a page is not mapped (a thread exited and its stack was unmapped).
    ssize_t copied = process_vm_readv(lanes_own_process_id(), &local, 1, &remote, 1, 0);
    return copied > 0 ? (uint32_t)copied : 0;
}
