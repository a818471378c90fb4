import LanesAnalysis
import LanesFormat
import LanesModel

/// `LanesBenchmarks asyncio [EVENTS] [RUNS]`: what recognising asyncio steps and running the rules
/// add to `lanes summary` on a viztracer `--log_async` trace (default 1,000,000 events, median of
/// 5), against reading the file alone, measured in the same run.
///
/// The trace is generated in viztracer's shape: events written at each function's return, an
/// event loop on the main thread (`_run_once` iterations, each waiting in `select` then running
/// four task steps inside `Handle._run` and `Context.run`), and one track per task whose steps
/// call synchronous functions and await `asyncio.sleep` across steps.
enum AsyncioBenchmark {
    static func run(arguments: [String]) async throws {
        let eventTarget = arguments.first.flatMap { Int($0) } ?? 1_000_000
        let runs = max(1, arguments.dropFirst().first.flatMap { Int($0) } ?? 5)
        let (bytes, events) = viztracerShape(events: eventTarget)
        print("asyncio: \(events) events, \(bytes.count) bytes of viztracer-shaped Chrome JSON")

        var read = Trace.empty
        let readSeconds = try ChromeBenchmark.median(runs) {
            read = try ChromeTraceImporter.read(bytes: bytes, path: "asyncio.json").trace
        }
        var converted = Trace.empty
        let convertSeconds = ChromeBenchmark.median(runs) {
            if case .converted(let trace) = AsyncioTraceConverter.convert(read) { converted = trace }
        }
        var findings = 0
        let analysisSeconds = ChromeBenchmark.median(runs) {
            let analysis = TraceAnalysis(trace: converted)
            findings = TraceSummary(analysis: analysis).findings.count
        }
        let format = ChromeBenchmark.format
        print("read alone: \(format(readSeconds * 1000)) ms; recognise and rewrite: \(format(convertSeconds * 1000)) ms "
            + "(\(converted.tasks.count) tasks, \(converted.slices.count) steps, \(converted.spanCount) spans); "
            + "analysis and summary: \(format(analysisSeconds * 1000)) ms (\(findings) findings)")
        let added = (convertSeconds + analysisSeconds) / readSeconds * 100
        let recognition = convertSeconds / readSeconds * 100
        print("added to reading: \(format(added))% (recognition \(format(recognition))%, rules \(format(added - recognition))%); target ≤ 25%")
    }

    /// A `--log_async` trace of about `events` events, and its exact event count.
    static func viztracerShape(events target: Int) -> (bytes: [UInt8], events: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(target * 150)
        var count = 0
        func event(_ tid: Int, _ begin: Int, _ duration: Int, _ name: String) {
            out.append(contentsOf: "{\"pid\":1,\"tid\":\(tid),\"ts\":\(begin / 1000).\(threeDigits(begin % 1000)),\"ph\":\"X\",\"cat\":\"fee\",\"dur\":\(duration / 1000).\(threeDigits(duration % 1000)),\"name\":\"\(name)\"},\n".utf8)
            count += 1
        }
        let lib = "/usr/lib/python3.11/asyncio"
        out.append(contentsOf: "{\"traceEvents\":[\n".utf8)
        var time = 1_000_000  // ns
        var task = 0
        // Each task: three steps. Step 1 parses (sync) and awaits fetch → sleep; step 2 resumes
        // them, renders (sync, sometimes long: a blocking call) and awaits again; step 3 responds.
        var pending: [(tid: Int, step: Int)] = []
        var iteration = 0
        while count < target - 20 {
            let iterationBegin = time
            time += 2_000
            event(1, time, 900, "select.epoll.poll")
            event(1, time - 200, 1_300, "EpollSelector.select (/usr/lib/python3.11/selectors.py:451)")
            time += 1_500
            if pending.count < 4 {
                for _ in 0..<(4 - pending.count) { task += 1; pending.append((100_000 + task, 1)) }
            }
            var next: [(tid: Int, step: Int)] = []
            for (tid, step) in pending {
                let handleBegin = time
                time += 500
                let stepBegin = time
                time += 300
                switch step {
                case 1:
                    event(tid, time + 100, 2_000, "json.loads")
                    event(tid, time, 3_000, "parse (/srv/app.py:20)"); time += 3_200
                    event(tid, time + 900, 400, "BaseEventLoop.call_later (\(lib)/base_events.py:709)")
                    event(tid, time + 500, 1_000, "sleep (\(lib)/tasks.py:637)")
                    event(tid, time, 1_600, "fetch (/srv/app.py:30)"); time += 1_600
                case 2:
                    event(tid, time + 100, 300, "TimerHandle.cancel (\(lib)/events.py:147)")
                    event(tid, time + 50, 500, "sleep (\(lib)/tasks.py:637)")
                    event(tid, time, 700, "fetch (/srv/app.py:30)"); time += 800
                    let blocking = tid % 500 == 0 ? 150_000_000 : 20_000
                    event(tid, time + 100, blocking - 200, "time.sleep")
                    event(tid, time, blocking, "render (/srv/app.py:40)"); time += blocking + 100
                    event(tid, time + 500, 1_000, "sleep (\(lib)/tasks.py:637)")
                    event(tid, time, 1_600, "fetch (/srv/app.py:30)"); time += 1_600
                default:
                    event(tid, time + 50, 500, "sleep (\(lib)/tasks.py:637)")
                    event(tid, time, 700, "fetch (/srv/app.py:30)"); time += 800
                    event(tid, time, 2_000, "respond (/srv/app.py:50)"); time += 2_100
                }
                event(tid, stepBegin, time - stepBegin, "handle (/srv/app.py:10)")
                time += 200
                event(1, stepBegin - 100, time - stepBegin, "_contextvars.Context.run")
                time += 300
                event(1, handleBegin, time - handleBegin, "Handle._run (\(lib)/events.py:78)")
                if step < 3 { next.append((tid, step + 1)) }
            }
            pending = next
            time += 1_000
            event(1, iterationBegin, time - iterationBegin, "BaseEventLoop._run_once (\(lib)/base_events.py:1845)")
            iteration += 1
        }
        event(1, 0, time + 1_000, "BaseEventLoop.run_forever (\(lib)/base_events.py:593)")
        out.append(contentsOf: "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"MainThread\"}}\n".utf8)
        for index in 1...task {
            out.append(contentsOf: ",{\"ph\":\"M\",\"pid\":1,\"tid\":\(100_000 + index),\"name\":\"thread_name\",\"args\":{\"name\":\"Task-\(index)\"}}\n".utf8)
        }
        out.append(contentsOf: "], \"viztracer_metadata\": {\"overflow\":false,\"version\":\"1.1.1\"}}\n".utf8)
        return (out, count + task + 1)
    }

    private static func threeDigits(_ value: Int) -> String {
        value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
    }
}
