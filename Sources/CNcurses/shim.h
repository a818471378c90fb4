#ifndef LANES_CNCURSES_SHIM_H
#define LANES_CNCURSES_SHIM_H

// ncurses with wide characters; the accessors below expose macros and globals Swift cannot see.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <signal.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *lanes_stdscr(void) { return stdscr; }
static inline int lanes_cols(void) { return COLS; }
static inline int lanes_lines(void) { return LINES; }
static inline int lanes_color_pair(int pair) { return (int)COLOR_PAIR(pair); }
static inline int lanes_a_bold(void) { return (int)A_BOLD; }
static inline int lanes_a_dim(void) { return (int)A_DIM; }
static inline int lanes_a_reverse(void) { return (int)A_REVERSE; }
static inline int lanes_a_underline(void) { return (int)A_UNDERLINE; }
static inline int lanes_key_resize(void) { return KEY_RESIZE; }
static inline int lanes_key_mouse(void) { return KEY_MOUSE; }
static inline int lanes_err(void) { return ERR; }

// Starts curses on the process's standard streams; NULL (not exit) when the terminal is unusable.
static inline SCREEN *lanes_new_terminal(void) { return newterm(NULL, stdout, stdin); }

// Keys, by name (the values are macros).
static inline int lanes_key_code_yes(void) { return KEY_CODE_YES; }
static inline int lanes_key_up(void) { return KEY_UP; }
static inline int lanes_key_down(void) { return KEY_DOWN; }
static inline int lanes_key_left(void) { return KEY_LEFT; }
static inline int lanes_key_right(void) { return KEY_RIGHT; }
static inline int lanes_key_page_up(void) { return KEY_PPAGE; }
static inline int lanes_key_page_down(void) { return KEY_NPAGE; }
static inline int lanes_key_home(void) { return KEY_HOME; }
static inline int lanes_key_end(void) { return KEY_END; }
static inline int lanes_key_enter(void) { return KEY_ENTER; }
static inline int lanes_key_backspace(void) { return KEY_BACKSPACE; }
static inline int lanes_key_back_tab(void) { return KEY_BTAB; }

// Mouse: enables clicks and the wheel; reads one event as (x, y, kind) where kind is
// 1 = left click, 4 = wheel up, 5 = wheel down, 0 = anything else. Returns ERR without an event.
static inline int lanes_enable_mouse(void) {
    mmask_t wanted = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    wanted |= BUTTON5_PRESSED;
#endif
    return mousemask(wanted, NULL) != 0 ? OK : ERR;
}
static inline int lanes_read_mouse(int *x, int *y, int *kind) {
    MEVENT event;
    if (getmouse(&event) != OK) return ERR;
    *x = event.x;
    *y = event.y;
    *kind = 0;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) *kind = 1;
    else if (event.bstate & BUTTON4_PRESSED) *kind = 4;
#ifdef BUTTON5_PRESSED
    else if (event.bstate & BUTTON5_PRESSED) *kind = 5;
#endif
    return OK;
}

// One cell: a wide character with attributes and a colour pair.
static inline int lanes_put_cell(int y, int x, wchar_t character, int pair, int attributes) {
    cchar_t cell;
    wchar_t text[2] = { character, 0 };
    if (setcchar(&cell, text, (attr_t)attributes, (short)pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

// SIGINT / SIGTERM / SIGHUP while the screen is up: restore the terminal, then die of the signal.
static void lanes_restore_terminal_on_signal(int number) {
    endwin();
    signal(number, SIG_DFL);
    raise(number);
}
static inline void lanes_install_signal_restore(void) {
    signal(SIGINT, lanes_restore_terminal_on_signal);
    signal(SIGTERM, lanes_restore_terminal_on_signal);
    signal(SIGHUP, lanes_restore_terminal_on_signal);
}
static inline void lanes_remove_signal_restore(void) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
}

#endif
