/// The two versions of the seed's chat handler.
public enum SeedVariant: String, Sendable, CaseIterable {
    /// Blocking `wait_for` calls inside the handler and one `await` after another: the handler
    /// holds an executor thread while it sleeps and its total is the sum of its steps.
    case naive
    /// The article's advice: blocking work through `makeAsync`, independent awaits through
    /// `gather`, plus its `run_sync` step (which still holds an executor thread while it runs).
    case improved
}
