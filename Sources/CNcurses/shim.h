#ifndef LANES_CNCURSES_SHIM_H
#define LANES_CNCURSES_SHIM_H

// ncurses with wide characters; the accessors below expose macros and globals Swift cannot see.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
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

#endif
