// The blocking scenario with Lanes linked: records when LANES_TRACE names a file.
import BlockingScenario
import Lanes

let recording = Lanes.bootstrapFromEnvironment()
await BlockingScenario.run()
recording?.finish()
