import Foundation
import LanesAnalysis
import LanesModel
import Testing

@Suite struct BlockingScenarioTests {
    @Test func dump() throws {
        let (trace, errors) = try ScenarioRecording.record("blocking-scenario-lanes")
        print(errors)
        print("samples", trace.sampling.samples.count, "stacks", trace.sampling.stacks.count, "images", trace.sampling.images.count, "symbols", trace.sampling.symbols?.notes ?? ["nil"])
        for (slice, diagnosis) in ScenarioRecording.longJobs(in: trace, minimum: 30_000_000) {
            print(slice.thread, (slice.ended - slice.started) / 1_000_000, "ms", diagnosis.sampleCount, diagnosis.state?.rawValue ?? "-",
                  String(format: "%.2f %.2f %.2f", diagnosis.sleepingFraction, diagnosis.computingFraction, diagnosis.preemptedFraction),
                  diagnosis.site.map { "\($0.function) \($0.shortLocation)" } ?? "no site")
            for index in SampleDiagnosis.samples(ofJob: slice, in: trace) {
                let sample = trace.sampling.samples[index]
                let first = sample.stack >= 0 ? trace.sampling.stacks.frames(ofStack: Int(sample.stack)).first.map { trace.sampling.symbols?.locations(ofAddress: Int($0)).first.map { "\($0.function):\($0.line)" } ?? "?" } ?? "-" : "-"
                print("   s", (sample.time - sample.jobStarted) / 1_000_000, sample.stateLetter, sample.flags.rawValue, sample.cpuNanoseconds / 1_000_000, sample.runQueueNanoseconds / 1_000_000, first ?? "", sample.stack >= 0 ? String(trace.sampling.stacks.addresses[Int(trace.sampling.stacks.frames(ofStack: Int(sample.stack)).first!)] - (trace.sampling.images.first { $0.path.hasSuffix("blocking-scenario-lanes") }?.base ?? 0), radix: 16) : "")
            }
            if false, let stack = diagnosis.stack, let symbols = trace.sampling.symbols {
                for address in trace.sampling.stacks.frames(ofStack: Int(stack)) {
                    let locations = symbols.locations(ofAddress: Int(address))
                    print("    ", String(trace.sampling.stacks.addresses[Int(address)], radix: 16), locations.map { "\($0.function) \($0.file.split(separator: "/").last ?? ""):\($0.line) \($0.isAppCode ? "APP" : "")" })
                }
            }
        }
        for sample in trace.sampling.samples.prefix(400) {
            print(sample.thread, sample.time / 1_000_000 % 100000, (sample.time - sample.jobStarted) / 1_000_000, sample.stateLetter, sample.flags.rawValue, sample.cpuNanoseconds / 1_000_000, sample.runQueueNanoseconds / 1_000_000, sample.stack)
        }
    }
}
