#include "LanesDumpSignal.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>

static sem_t lanes_dump_semaphore;
static pthread_once_t lanes_dump_once = PTHREAD_ONCE_INIT;

static void lanes_initialize_dump_semaphore(void) {
    sem_init(&lanes_dump_semaphore, 0, 0);
}

// Invariant: runs in signal context, so it calls nothing but sem_post (async-signal-safe) and
// preserves errno for the code it interrupted.
static void lanes_dump_signal_handler(int number) {
    (void)number;
    int saved = errno;
    sem_post(&lanes_dump_semaphore);
    errno = saved;
}

int lanes_install_dump_signal(int signal_number) {
    pthread_once(&lanes_dump_once, lanes_initialize_dump_semaphore);
    struct sigaction current;
    if (sigaction(signal_number, 0, &current) != 0) return -1;
    if (current.sa_handler == lanes_dump_signal_handler) return 0;
    if ((current.sa_flags & SA_SIGINFO) || (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN)) {
        return 1;
    }
    struct sigaction action = {0};
    action.sa_handler = lanes_dump_signal_handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signal_number, &action, 0) == 0 ? 0 : -1;
}

void lanes_wait_dump_signal(void) {
    pthread_once(&lanes_dump_once, lanes_initialize_dump_semaphore);
    while (sem_wait(&lanes_dump_semaphore) != 0 && errno == EINTR) {}
}

void lanes_block_process_signals(void) {
    sigset_t all;
    sigfillset(&all);
    // Faults raised by the thread's own code must still reach their handlers (or kill the process).
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGTRAP);
    sigdelset(&all, SIGABRT);
    sigdelset(&all, SIGSYS);
    pthread_sigmask(SIG_BLOCK, &all, 0);
}
