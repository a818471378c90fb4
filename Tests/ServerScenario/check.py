#!/usr/bin/env python3
"""The real-server check that `.ci/run` runs: does Lanes see what blocks a real HTTP server?

Builds the scenario server (Hummingbird 2, `TracingMiddleware`, `LanesTracer`), starts it with
LANES_TRACE (job capture on, as by default), drives each route with wrk on loopback (enough
connections to keep the executor's threads busy), stops it with SIGINT, and checks the recording
through `lanes export` and `lanes summary --json`:

- the server starts and stops cleanly, the trace is complete, every request is one span named
  by its route (renamed from the middleware's placeholder), the spans inside the handlers nest
  in them, and the counts match what wrk reported;
- jobs come from the global executor; one `blocking-call` finding at the legacy database's
  `file:line`, "sleeping or waiting", about one occurrence per /block request; one in the price
  calculation, "computing", about one per /compute request; ready jobs waited meanwhile; queued
  time and an `executor-stall` finding; the routes that behave are never blamed.

Then SwiftNIO's own takeover of the global executor (`--nio-takeover`): Lanes refuses job capture
with one line on stderr, and still records every request's spans.

Usage: python3 Tests/ServerScenario/check.py [--configuration debug|release] [--seconds S]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario  # noqa: E402

# Each route, the connections that keep both cooperative threads busy with it, and what its
# handler records inside the request span.
ROUTES = [
    ("block", 16, "legacy database"),
    ("compute", 8, None),
    ("behave", 64, "async database"),
    ("hello", 64, None),
]
CONNECTIONS = {route: connections for route, connections, _ in ROUTES}
PLACEHOLDER = "HTTP GET route not found"
PREEMPTED = "pre-empted (the machine was busy)"
SOURCES = os.path.join(scenario.PACKAGE, "Sources", "ServerScenario")


class Checks:
    """Collects named pass/fail results and prints each one as it is decided."""

    def __init__(self):
        self.failures = []

    def expect(self, name, passed, detail):
        scenario.say(f"{'PASS' if passed else 'FAIL'} {name}: {detail}")
        if not passed:
            self.failures.append(name)
        return passed


def source_line(file_name, pattern):
    """The 1-based line of `file_name` (in the scenario's sources) that matches `pattern`."""
    with open(os.path.join(SOURCES, file_name)) as file:
        for number, line in enumerate(file, start=1):
            if re.search(pattern, line):
                return number
    raise SystemExit(f"check: no line matching {pattern!r} in {file_name}")


def exported_spans(lanes, trace):
    """The trace's spans from `lanes export --format chrome`: {span number: (name, args)}."""
    result = subprocess.run([lanes, "export", trace, "--format", "chrome"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"check: lanes export failed: {result.stderr.strip()}")
    spans = {}
    for event in json.loads(result.stdout):
        args = event.get("args") or {}
        if event.get("ph") in ("b", "X", "i") and "lanes.span" in args:
            spans[args["lanes.span"]] = (event["name"], args)
    return spans


def summary(lanes, trace):
    result = subprocess.run([lanes, "summary", trace, "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"check: lanes summary failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def check_spans(checks, spans, driven):
    """What works today, with spans alone."""
    names = {}
    for name, _ in spans.values():
        names[name] = names.get(name, 0) + 1
    checks.expect("renamed", PLACEHOLDER not in names,
                  f"no span keeps the middleware's placeholder name ({names.get(PLACEHOLDER, 0)} do)")
    for route, connections, child in ROUTES:
        wrk = driven[route]
        checks.expect(f"/{route} responses", wrk.non_2xx == 0 and wrk.socket_errors == 0,
                      f"wrk: {wrk.requests} requests, {wrk.non_2xx} not 2xx, {wrk.socket_errors} socket errors")
        count = names.get(f"/{route}", 0)
        # wrk counts the responses it read before its time was up; the server may have answered
        # up to one more request per connection after that.
        allowed = wrk.requests + connections + wrk.socket_errors
        checks.expect(f"/{route} spans", wrk.requests <= count <= allowed,
                      f"{count} spans named /{route}, wrk completed {wrk.requests} (allowed {wrk.requests}–{allowed})")
        handlers = sum(1 for name, args in spans.values()
                       if name == f"/{route}" and args.get("lanes.kind") == "handler")
        checks.expect(f"/{route} handlers", handlers == count,
                      f"{handlers} of {count} are handler spans (server spans at the root)")
        if child:
            children = [args for name, args in spans.values() if name == child]
            nested = sum(1 for args in children if spans.get(args.get("lanes.parent"), ("",))[0] == f"/{route}")
            checks.expect(f"/{route} {child}", len(children) == count and nested == count,
                          f"{len(children)} '{child}' spans for {count} requests, {nested} inside a /{route} span")


def findings_of(report, rule, **where):
    return [f for f in report.get("findings", []) if f.get("rule") == rule
            and all(where[key](f.get(key)) for key in where)]


def check_site(checks, name, finding, file_name, lines, function_part, state, requests, connections):
    """A blocking-call finding's site, state and occurrences."""
    site = finding.get("site") or {}
    checks.expect(f"{name} site", str(site.get("file", "")).endswith(file_name) and site.get("line") in lines
                  and function_part in str(site.get("function", "")),
                  f"site {site.get('function')} at {site.get('file')}:{site.get('line')}, expected {function_part}… "
                  f"at {file_name}:{min(lines)}" + (f"–{max(lines)}" if len(lines) > 1 else ""))
    checks.expect(f"{name} state", finding.get("state") == state,
                  f"state {finding.get('state')!r}, expected {state!r}")
    occurrences = finding.get("occurrences") or 0
    low, high = int(requests * 0.9), requests + connections
    checks.expect(f"{name} occurrences", low <= occurrences <= high,
                  f"{occurrences} occurrences for {requests} requests wrk completed (allowed {low}–{high})")
    checks.expect(f"{name} effect", (finding.get("waited_seconds") or 0) > 0,
                  f"ready jobs waited {finding.get('waited_seconds')} s meanwhile")


def check_jobs(checks, report, driven):
    """What job capture must add (issue 12): blocking found where it happens, grouped by site."""
    checks.expect("job source", report.get("job_source") == "global executor",
                  f"job_source {report.get('job_source')!r}, expected 'global executor'")
    wait_line = source_line("LegacyDatabase.swift", r"scenario-site: legacy database wait")
    blocking = findings_of(report, "blocking-call", span=lambda span: span == "legacy database")
    if len(blocking) != 1:
        for finding in blocking:
            scenario.say(f"scenario: /block finding: {finding.get('message')} ({finding.get('occurrences')} occurrences)")
    if checks.expect("/block finding", len(blocking) == 1,
                     f"{len(blocking)} blocking-call findings for span 'legacy database' (expected one, grouped by site)"):
        check_site(checks, "/block finding", blocking[0], "LegacyDatabase.swift", [wait_line], "fetchUser",
                   "sleeping or waiting", driven["block"].requests, CONNECTIONS["block"])
        seconds = blocking[0].get("p50_seconds") or 0
        checks.expect("/block finding p50", 0.045 <= seconds <= 0.5, f"p50 {seconds} s of a 50 ms wait")
    loop = range(source_line("PriceCalculation.swift", r"repeat \{"),
                 source_line("PriceCalculation.swift", r"\} while") + 1)
    computing = findings_of(report, "blocking-call", span=lambda span: span == "/compute")
    if len(computing) != 1:
        for finding in computing:
            scenario.say(f"scenario: /compute finding: {finding.get('message')} ({finding.get('occurrences')} occurrences)")
    if checks.expect("/compute finding", len(computing) == 1,
                     f"{len(computing)} blocking-call findings for span '/compute' (expected one)"):
        check_site(checks, "/compute finding", computing[0], "PriceCalculation.swift", list(loop), "price",
                   "computing", driven["compute"].requests, CONNECTIONS["compute"])
    checks.expect("queued", (report.get("queued_seconds") or 0) > 0,
                  f"queued_seconds {report.get('queued_seconds')}: requests waited for a thread")
    stalls = findings_of(report, "executor-stall")
    checks.expect("saturation", len(stalls) > 0, f"{len(stalls)} executor-stall findings while /block held both threads")
    check_quiet_routes(checks, report, driven)


def check_quiet_routes(checks, report, driven):
    """The routes that behave hold a thread for microseconds per job: never blamed.

    On a loaded machine a job of theirs can still be held 20 ms by the machine: pre-empted (Lanes
    says "pre-empted (the machine was busy)"), or now and then waiting for a lock whose holder
    was. So: no finding on them names a line of the scenario's own code; occurrences in any other
    state stay under 1% of their requests; pre-empted ones, which grow with the machine's load,
    under 10% (flagging their jobs for what they ran would be nearly all of them)."""
    quiet = {"/behave", "async database", "/hello"}
    found = [f for f in findings_of(report, "blocking-call") if f.get("span") in quiet]
    for finding in found:
        scenario.say(f"scenario: on a route that behaves: {finding.get('message')}")
    blamed = [f.get("message") for f in found if str((f.get("site") or {}).get("file") or "").startswith(SOURCES)]
    checks.expect("routes that behave: not blamed", not blamed,
                  f"findings naming the scenario's code on /behave or /hello: {blamed or 'none'}")
    requests = driven["behave"].requests + driven["hello"].requests
    preempted = sum(f.get("occurrences") or 0 for f in found if f.get("state") == PREEMPTED)
    other = sum(f.get("occurrences") or 0 for f in found if f.get("state") != PREEMPTED)
    checks.expect("routes that behave: rare", other <= requests // 100 and preempted <= requests // 10,
                  f"blocking occurrences on /behave and /hello for {requests} requests: {other} "
                  f"(at most {requests // 100}), and {preempted} pre-empted (at most {requests // 10}); "
                  f"load average {scenario.load_average()}")


def check_nio_takeover(checks, binary, lanes, folder, seconds):
    """SwiftNIO took over the global executor first: Lanes refuses job capture, says so in one
    line on stderr, and records every request's spans."""
    trace = os.path.join(folder, "nio-takeover.lanes")
    errors = os.path.join(folder, "nio-takeover.stderr")
    server = scenario.Server(binary, tracer="lanes", trace=trace, arguments=["--nio-takeover"], stderr_path=errors)
    driven = {route: scenario.run_wrk(server.url(route), 16, seconds) for route in ("hello", "behave")}
    status, output = server.stop()
    with open(errors) as file:
        stderr = file.read().splitlines()
    checks.expect("nio takeover: installed", "nio takeover installed" in output,
                  f"server output {[line for line in output if 'nio takeover' in line]}")
    checks.expect("nio takeover: clean stop", status == 0 and "stopped" in output, f"exit status {status} after SIGINT")
    refusals = [line for line in stderr if "another global executor is installed" in line]
    checks.expect("nio takeover: one line", len(refusals) == 1 and len(stderr) == 1,
                  f"stderr {stderr!r}: expected only Lanes' refusal")
    report = summary(lanes, trace)
    checks.expect("nio takeover: no capture", report.get("job_source") != "global executor",
                  f"job_source {report.get('job_source')!r}")
    spans = exported_spans(lanes, trace)
    for route, wrk in driven.items():
        count = sum(1 for name, _ in spans.values() if name == f"/{route}")
        allowed = wrk.requests + 16 + wrk.socket_errors
        checks.expect(f"nio takeover: /{route} spans", wrk.requests > 0 and wrk.requests <= count <= allowed,
                      f"{count} spans named /{route}, wrk completed {wrk.requests} (allowed {wrk.requests}–{allowed})")
    children = sum(1 for name, args in spans.values() if name == "async database"
                   and spans.get(args.get("lanes.parent"), ("",))[0] == "/behave")
    checks.expect("nio takeover: nesting", children > 0 and children == sum(1 for name, _ in spans.values() if name == "/behave"),
                  f"{children} 'async database' spans inside /behave")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configuration", default="debug", choices=["debug", "release"])
    parser.add_argument("--seconds", type=int, default=3, help="how long wrk drives each route")
    parser.add_argument("--keep", help="also copy the trace to this path")
    options = parser.parse_args()

    binary, build_seconds, warnings = scenario.build(options.configuration)
    scenario.say(f"scenario: built in {build_seconds:.0f} s ({options.configuration}); load average {scenario.load_average()}")
    lanes = scenario.build_lanes()
    checks = Checks()
    checks.expect("no warnings", not warnings, "\n".join(warnings) or "the scenario's sources build without warnings")
    with tempfile.TemporaryDirectory(prefix="lanes-server-scenario-") as folder:
        trace = os.path.join(folder, "server.lanes")
        server = scenario.Server(binary, tracer="lanes", trace=trace)
        driven = {}
        for route, connections, _ in ROUTES:
            driven[route] = scenario.run_wrk(server.url(route), connections, options.seconds)
            scenario.say(f"scenario: /{route}: {driven[route].requests} requests, "
                         f"{driven[route].requests_per_second:.0f}/s, p50 {driven[route].p50_seconds} s, "
                         f"{connections} connections")
        status, output = server.stop()
        checks.expect("clean stop", status == 0 and "stopped" in output,
                      f"exit status {status} after SIGINT" + ("" if status is not None else " (hung; killed)"))
        if options.keep:
            subprocess.run(["cp", trace, options.keep], check=True)
        report = summary(lanes, trace)
        checks.expect("complete trace", not report.get("warnings"), f"reader warnings: {report.get('warnings') or 'none'}")
        check_spans(checks, exported_spans(lanes, trace), driven)
        check_jobs(checks, report, driven)
        check_nio_takeover(checks, binary, lanes, folder, 1)
    if checks.failures:
        raise SystemExit(f"server scenario: {len(checks.failures)} checks failed: {', '.join(checks.failures)}")
    scenario.say("server scenario: all checks passed")


if __name__ == "__main__":
    main()
