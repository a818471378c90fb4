"""Traces the test programs with the real viztracer and writes the Chrome JSON traces the tests
read. Run from anywhere:

    python3 make_traces.py OUTPUT_DIRECTORY

writes naive.json and improved.json (the article's handler, `viztracer --log_async`), server.json
(server.py under `viztracer --log_async` while load.py sends concurrent requests on 127.0.0.1) and
naive-plain.json (naive.py without --log_async). The committed fixtures in ../Fixtures are its
output; the tests also run it live when viztracer is installed (`pip install viztracer`)."""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# --ignore_frozen leaves out the import machinery, which only makes the files bigger.
VIZTRACER = [sys.executable, "-m", "viztracer", "--quiet", "--ignore_frozen"]


def trace(program, output, *options, arguments=()):
    command = VIZTRACER + list(options) + ["-o", output, os.path.join(HERE, program), *arguments]
    subprocess.run(command, check=True, timeout=120)


def trace_server(output, rounds=2):
    with tempfile.TemporaryDirectory() as directory:
        port_file = os.path.join(directory, "port")
        command = VIZTRACER + ["--log_async", "-o", output, os.path.join(HERE, "server.py"),
                               "--requests", str(4 * rounds), "--port-file", port_file]
        server = subprocess.Popen(command)
        try:
            deadline = time.monotonic() + 30
            while not os.path.exists(port_file):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("make_traces: the server did not start")
                time.sleep(0.05)
            with open(port_file) as file:
                port = file.read().strip()
            subprocess.run([sys.executable, os.path.join(HERE, "load.py"), "--port", port, "--rounds", str(rounds)],
                           check=True, timeout=60)
            if server.wait(timeout=60) != 0:
                raise SystemExit("make_traces: the server failed")
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_traces.py OUTPUT_DIRECTORY")
    output = os.path.abspath(sys.argv[1])
    os.makedirs(output, exist_ok=True)
    trace("naive.py", os.path.join(output, "naive.json"), "--log_async")
    trace("improved.py", os.path.join(output, "improved.json"), "--log_async")
    trace("naive.py", os.path.join(output, "naive-plain.json"))
    trace_server(os.path.join(output, "server.json"))


main()
