"""Building, starting, loading and stopping the scenario server: shared by check.py and bench.py.

The server (Sources/ServerScenario) is a Hummingbird 2 app with Lanes' tracer. Everything here
runs real processes: `swift build`, the server on loopback, and `wrk` as the load generator.
"""

import os
import re
import signal
import subprocess
import sys
import time

PACKAGE = os.path.dirname(os.path.abspath(__file__))
REPOSITORY = os.path.dirname(os.path.dirname(PACKAGE))


def say(text):
    """One progress line, flushed at once so CI logs interleave correctly."""
    print(text, flush=True)


def scratch_path():
    """Where the scenario package builds: inside the repository's own (ignored) `.build`, so the
    source tree gets no second build folder."""
    return os.path.join(REPOSITORY, ".build", "server-scenario")


def build(configuration):
    """Builds the scenario server (`debug` or `release`); returns (binary path, seconds taken,
    compiler warnings in the scenario's own sources)."""
    started = time.monotonic()
    # The scenario builds the Lanes sources by path; SwiftPM notices a file added to or removed
    # from them only when it plans the build again, which a newer manifest makes it do.
    os.utime(os.path.join(PACKAGE, "Package.swift"))
    command = ["swift", "build", "-c", configuration, "--package-path", PACKAGE,
               "--scratch-path", scratch_path(), "--product", "ServerScenario"]
    say("scenario: " + " ".join(command))
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-20000:])
        raise SystemExit(f"scenario: the server did not build (exit {result.returncode})")
    binary = os.path.join(scratch_path(), configuration, "ServerScenario")
    own = os.path.join(PACKAGE, "Sources") + os.sep
    warnings = sorted({line for line in result.stdout.splitlines() if "warning:" in line and line.startswith(own)})
    return binary, seconds, warnings


def build_lanes():
    """The `lanes` command of this repository (debug), brought up to date (at once when CI's
    `swift build` has just built it)."""
    subprocess.run(["swift", "build", "--package-path", REPOSITORY, "--product", "lanes"], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(REPOSITORY, ".build", "debug", "lanes")


class Server:
    """A running scenario server. `tracer` is "lanes" or "none"; `trace` a `.lanes` path or None;
    `arguments` more of the server's options; `stderr_path` a file for its standard error (else
    it is read with its output)."""

    def __init__(self, binary, tracer="lanes", trace=None, extra_environment=None, cpu_list=None,
                 arguments=(), stderr_path=None):
        environment = dict(os.environ)
        environment.pop("LANES_TRACE", None)
        environment.pop("LANES_CAPTURE_JOBS", None)  # job capture on unless a run asks otherwise
        if trace:
            environment["LANES_TRACE"] = trace
        environment["SCENARIO_TRACER"] = tracer
        environment.update(extra_environment or {})
        command = [binary, "--port", "0"] + list(arguments)
        if cpu_list:
            command = ["taskset", "-c", cpu_list] + command
        self.stderr_file = open(stderr_path, "w") if stderr_path else None
        self.process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                                        stderr=self.stderr_file or subprocess.STDOUT, text=True)
        self.output = []
        self.port = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line.rstrip("\n"))
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                return
        self.process.kill()
        if self.stderr_file:
            self.stderr_file.close()
        raise SystemExit("scenario: the server did not say it was listening:\n" + "\n".join(self.output))

    def cpu_seconds(self):
        """CPU time the server has used so far, user and system, from /proc."""
        with open(f"/proc/{self.process.pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def url(self, route):
        return f"http://127.0.0.1:{self.port}/{route}"

    def stop(self, timeout=30):
        """Sends SIGINT and waits for a clean exit; returns (exit status or None if it hung, output)."""
        self.process.send_signal(signal.SIGINT)
        try:
            rest, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            rest, _ = self.process.communicate()
            self.output.extend(rest.splitlines())
            return None, self.output
        finally:
            if self.stderr_file:
                self.stderr_file.close()
        self.output.extend(rest.splitlines())
        return self.process.returncode, self.output


class WrkResult:
    """What `wrk` reported: completed requests, their rate, and anything that went wrong."""

    def __init__(self, text):
        self.text = text
        found = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
        if not found:
            raise SystemExit("scenario: cannot read wrk's output:\n" + text)
        self.requests = int(found.group(1))
        rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
        self.requests_per_second = float(rate.group(1)) if rate else 0.0
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        self.non_2xx = int(non2xx.group(1)) if non2xx else 0
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
        self.socket_errors = sum(int(value) for value in errors.groups()) if errors else 0
        latency = re.search(r"\n\s+50%\s+([\d.]+)(us|ms|s)", text)
        scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
        self.p50_seconds = float(latency.group(1)) * scale[latency.group(2)] if latency else None


def run_wrk(url, connections, seconds, threads=2, cpu_list=None):
    """Drives `url` with wrk for `seconds` and returns its result."""
    # A long timeout: on a loaded machine a request to a blocking route can wait seconds, and a
    # request wrk gave up on would still be answered (and recorded) by the server.
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
               "--latency", url]
    if cpu_list:
        command = ["taskset", "-c", cpu_list] + command
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise SystemExit(f"scenario: wrk failed (exit {result.returncode}):\n{result.stdout}")
    return WrkResult(result.stdout)


def load_average():
    with open("/proc/loadavg") as file:
        return " ".join(file.read().split()[:3])
