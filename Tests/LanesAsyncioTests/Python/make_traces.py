"""Traces the test programs with the real viztracer and writes the Chrome JSON traces the tests
read. Run from anywhere:

    python3 make_traces.py OUTPUT_DIRECTORY

writes naive.json and improved.json (the article's handler, `viztracer --log_async`), server.json
(server.py under `viztracer --log_async` while load.py sends concurrent requests on 127.0.0.1) and
naive-plain.json (naive.py without --log_async). The tests run it live when viztracer is installed
(`pip install viztracer`). The committed fixtures in ../Fixtures are its output with --fixtures:

    python3 make_traces.py --fixtures ../Fixtures

which replaces this machine's paths in the files (this directory becomes `Python`, the Python
installation `<python>`) and leaves out viztracer's `file_info` (the source text of every file,
for its own viewer); the events are as viztracer wrote them."""
import json
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


def make_fixture(path):
    with open(path) as file:
        text = file.read()
    for prefix, replacement in ((HERE, "Python"), (sys.base_prefix, "<python>"), (sys.prefix, "<python>")):
        text = text.replace(json.dumps(prefix)[1:-1], replacement)
    document = json.loads(text)
    document.pop("file_info", None)
    with open(path, "w") as file:
        json.dump(document, file, separators=(",", ":"))


def main():
    arguments = [argument for argument in sys.argv[1:] if argument != "--fixtures"]
    if len(arguments) != 1:
        raise SystemExit("usage: make_traces.py [--fixtures] OUTPUT_DIRECTORY")
    output = os.path.abspath(arguments[0])
    os.makedirs(output, exist_ok=True)
    trace("naive.py", os.path.join(output, "naive.json"), "--log_async")
    trace("improved.py", os.path.join(output, "improved.json"), "--log_async")
    trace("naive.py", os.path.join(output, "naive-plain.json"))
    trace_server(os.path.join(output, "server.json"))
    if "--fixtures" in sys.argv:
        for name in ("naive.json", "improved.json", "naive-plain.json", "server.json"):
            make_fixture(os.path.join(output, name))


main()
