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
}
