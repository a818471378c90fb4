#if canImport(Glibc)
import Glibc
#endif

/// Giving memory the allocator holds but no longer uses back to the system.
///
/// Reading a large trace allocates and frees a lot (the file's bytes, the builder's columns
/// before they are sorted into the trace); glibc keeps freed pages in its heap, so without this a
/// viewer stays at its loading peak for as long as it runs.
public enum FreedMemory {
    /// Asks the C allocator to return free pages (glibc's `malloc_trim`, looked up at run time
    /// since the Glibc module does not export it; a no-op where it does not exist).
    public static func returnToSystem() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        // Invariant: glibc declares `int malloc_trim(size_t pad)`, which matches `Trim`.
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }

    /// Makes every thread allocate from the allocator's main arena (glibc's
    /// `mallopt(M_ARENA_MAX, 1)`; a no-op elsewhere). To be called first thing in a process that
    /// keeps what it loads for as long as it runs, before any other thread exists.
    ///
    /// The viewer loads, analyses and indexes on two threads at once; glibc gives the second
    /// thread an arena of its own, and what that thread frees (the analysis' sorting buffers)
    /// stayed resident after `returnToSystem()`: `lanes view` of a million-span server trace held
    /// 181 bytes a span with two arenas, 141 with one (`LanesBenchmarks memory`). The threads
    /// allocate few, large blocks, so sharing one arena costs them nothing measurable.
    public static func useOneArena() {
        #if canImport(Glibc)
        typealias Option = @convention(c) (Int32, Int32) -> Int32
        // Invariant: glibc declares `int mallopt(int param, int value)`, which matches `Option`;
        // M_ARENA_MAX is -8 in glibc's malloc.h.
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Option.self)(-8, 1)
        #endif
    }
}
