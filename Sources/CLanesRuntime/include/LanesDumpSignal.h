#ifndef LANES_DUMP_SIGNAL_H
#define LANES_DUMP_SIGNAL_H

// Flight-recorder dumps requested by a signal (`kill -USR1 PID`). The handler does one thing
// that is async-signal-safe, `sem_post`; a Lanes thread waits on the semaphore and writes the
// dumps outside signal context.

/// Installs the handler for `signal_number`. Returns 0 when installed (or already installed by
/// Lanes), 1 when the program has its own handler for that signal (Lanes leaves it alone), -1 on
/// error.
int lanes_install_dump_signal(int signal_number);

/// Blocks the calling thread until the dump signal arrives (retrying after interruptions).
void lanes_wait_dump_signal(void);

/// Blocks every signal a process can be sent in the calling thread, so that signals meant for
/// the program are delivered to the program's own threads, never to one of Lanes' threads.
void lanes_block_process_signals(void);

#endif
