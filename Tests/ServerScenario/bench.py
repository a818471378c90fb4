#!/usr/bin/env python3
"""What recording costs a real server: requests per second of the scenario's trivial route
(`/hello`) with everything recording (`LanesTracer`, LANES_TRACE set) against the same server
with no tracer bootstrapped, measured by wrk on loopback.

Each run starts a fresh server (release build), warms it up, then measures; runs alternate
between the configurations, pair by pair, each pair in the opposite order of the one before, so
slow drifts of a shared machine fall on both sides. Prints every run, then the median
requests/s of each configuration and the median of the per-pair ratios, and the same for the
server's CPU time per request (user + system, from /proc): on a busy machine the rate moves
with whatever else runs, the CPU time much less.

Configurations (`--configurations`, the first is the baseline of the ratios):
  none       no tracer bootstrapped (the middleware's spans go to the no-op tracer)
  recording  LanesTracer recording to LANES_TRACE: spans and job capture, everything
  spans      LanesTracer recording with job capture off (LANES_CAPTURE_JOBS=0): the tracer alone
  idle       LanesTracer bootstrapped, LANES_TRACE unset: nothing records

Usage: python3 Tests/ServerScenario/bench.py [--pairs 7] [--seconds 5] [--connections 64]
       [--configurations none,recording,spans]
"""

import argparse
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402


# name: (tracer, whether LANES_TRACE is set, extra environment)
CONFIGURATIONS = {
    "none": ("none", False, {}),
    "recording": ("lanes", True, {}),
    "spans": ("lanes", True, {"LANES_CAPTURE_JOBS": "0"}),
    "idle": ("lanes", False, {}),
}


def measure(binary, tracer, trace, environment, options):
    """One run: a fresh server, a warm-up, then the measured wrk run. Returns requests/s and
    the server's CPU time per request (µs) during the measured run."""
    server = scenario.Server(binary, tracer=tracer, trace=trace, extra_environment=environment,
                             cpu_list=options.server_cpus)
    try:
        scenario.run_wrk(server.url(options.route), options.connections, options.warmup, cpu_list=options.wrk_cpus)
        cpu_before = server.cpu_seconds()
        result = scenario.run_wrk(server.url(options.route), options.connections, options.seconds,
                                  cpu_list=options.wrk_cpus)
        cpu = server.cpu_seconds() - cpu_before
    finally:
        status, output = server.stop()
    if status != 0:
        raise SystemExit(f"bench: the {tracer} server exited with {status}:\n" + "\n".join(output[-20:]))
    if result.non_2xx or result.socket_errors:
        raise SystemExit(f"bench: wrk saw errors:\n{result.text}")
    return result.requests_per_second, cpu * 1e6 / max(1, result.requests)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=5, help="measured wrk run")
    parser.add_argument("--warmup", type=int, default=1, help="wrk run before each measurement")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--route", default="hello")
    parser.add_argument("--configurations", default="none,recording,spans",
                        help="comma-separated, from: " + ", ".join(CONFIGURATIONS))
    parser.add_argument("--server-cpus", help="taskset CPU list for the server (default: unpinned)")
    parser.add_argument("--wrk-cpus", help="taskset CPU list for wrk (default: unpinned)")
    parser.add_argument("--binary", help="an already built ServerScenario (default: build it, release)")
    options = parser.parse_args()

    if options.binary:
        binary = options.binary
    else:
        binary, seconds, _ = scenario.build("release")
        scenario.say(f"bench: built in {seconds:.0f} s")
    names = options.configurations.split(",")
    unknown = [name for name in names if name not in CONFIGURATIONS]
    if unknown:
        parser.error(f"unknown configurations {unknown}; choose from {list(CONFIGURATIONS)}")
    configurations = [(name,) + CONFIGURATIONS[name] for name in names]
    baseline = names[0]
    rates = {name: [] for name in names}
    cpu = {name: [] for name in names}
    scenario.say(f"bench: /{options.route}, {options.pairs} pairs of {options.seconds} s runs, "
                 f"{options.connections} connections; load average {scenario.load_average()}")
    with tempfile.TemporaryDirectory(prefix="lanes-server-bench-") as folder:
        for pair in range(options.pairs):
            order = configurations if pair % 2 == 0 else list(reversed(configurations))
            for name, tracer, records, extra in order:
                trace = os.path.join(folder, f"run-{pair}.lanes") if records else None
                rate, microseconds = measure(binary, tracer, trace, extra, options)
                rates[name].append(rate)
                cpu[name].append(microseconds)
                size = f", trace {os.path.getsize(trace) / 1e6:.1f} MB" if trace else ""
                scenario.say(f"bench: pair {pair + 1} {name}: {rate:,.0f} requests/s, "
                             f"server CPU {microseconds:.1f} µs/request{size}")
                if trace:
                    os.remove(trace)
    scenario.say(f"bench: load average after {scenario.load_average()}")
    for name in rates:
        scenario.say(f"bench: {name}: median {statistics.median(rates[name]):,.0f} requests/s "
                     f"(range {min(rates[name]):,.0f}–{max(rates[name]):,.0f}), "
                     f"server CPU median {statistics.median(cpu[name]):.1f} µs/request")
    for name in names[1:]:
        ratios = [value / base for value, base in zip(rates[name], rates[baseline])]
        scenario.say(f"bench: {name} / {baseline}: median {statistics.median(ratios):.3f} "
                     f"(pairs {', '.join(f'{ratio:.3f}' for ratio in ratios)})")
        costs = [value / base for value, base in zip(cpu[name], cpu[baseline])]
        scenario.say(f"bench: {name} / {baseline}, server CPU per request: median {statistics.median(costs):.3f} "
                     f"(pairs {', '.join(f'{cost:.3f}' for cost in costs)})")


if __name__ == "__main__":
    main()
