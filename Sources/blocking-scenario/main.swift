// The blocking scenario without Lanes: recorded only through `lanes record`'s preload library.
import BlockingScenario

await BlockingScenario.run()
