#include "CJobCaptureProbe.h"

#define SWIFTCALL __attribute__((swiftcall))

extern SWIFTCALL void *swift_task_createNullaryContinuationJob(uintptr_t priority, void *continuation);
extern SWIFTCALL void swift_task_enqueueGlobalWithDelay(unsigned long long delay, void *job);
extern SWIFTCALL void swift_task_enqueueGlobalWithDeadline(
    long long seconds, long long nanoseconds, long long tolerance_seconds, long long tolerance_nanoseconds,
    int clock, void *job);
extern SWIFTCALL void swift_get_time(long long *seconds, long long *nanoseconds, int clock);

void probe_resume_after_delay(void *continuation, uint64_t nanoseconds) {
    void *job = swift_task_createNullaryContinuationJob(0x15, continuation);
    swift_task_enqueueGlobalWithDelay(nanoseconds, job);
}

void probe_resume_at_deadline(void *continuation, uint64_t nanoseconds) {
    void *job = swift_task_createNullaryContinuationJob(0x15, continuation);
    long long seconds = 0, now = 0;
    swift_get_time(&seconds, &now, 1);
    long long total = now + (long long)nanoseconds;
    swift_task_enqueueGlobalWithDeadline(seconds + total / 1000000000, total % 1000000000, 0, 0, 1, job);
}
