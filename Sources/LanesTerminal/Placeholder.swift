import CNcurses
// Placeholder so the module builds; replaced by the ncurses backend.
