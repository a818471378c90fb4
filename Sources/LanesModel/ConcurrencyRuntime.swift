/// The concurrency runtime whose executor ran a trace's jobs, so that reports speak its
/// language: "held executor thread 2" and `makeAsync` for Swift, "held the event loop" and
/// `asyncio.to_thread` for Python's asyncio.
public enum ConcurrencyRuntime: String, Sendable, CaseIterable {
    /// Swift concurrency: a cooperative pool or Lanes' tracing executor, several threads wide.
    case swift
    /// Python's asyncio: one event loop, a single thread, runs every task's steps.
    case asyncio
}
