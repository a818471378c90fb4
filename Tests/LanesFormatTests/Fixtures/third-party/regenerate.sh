#!/usr/bin/env bash
# Regenerates the third-party fixtures beside this script with the real tools:
#   viztracer-overflow.json   viztracer (pip install viztracer) with a ring buffer too small for
#                             the program, so it wraps and says "overflow": true
#   viztracer-counters.json   viztracer with a VizCounter sampled as the program runs
#   clang-time-trace.json     clang -ftime-trace on a small C++ file (its "Total …" events)
# Run from anywhere: bash Tests/LanesFormatTests/Fixtures/third-party/regenerate.sh [OUT-DIR]
# Paths of the machine that made them are cut to file names, so the fixtures name none.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > overflow.py <<'PY'
import time

def leaf(i):
    return i * 2

def work(n):
    total = 0
    for i in range(n):
        total += leaf(i)
    return total

def main():
    for _ in range(30):
        work(100)
        time.sleep(0.002)

main()
PY
python3 -m viztracer --quiet --tracer_entries 400 -o overflow.json overflow.py

cat > counters.py <<'PY'
import time
from viztracer import get_tracer
from viztracer.vizcounter import VizCounter

def step(queue):
    time.sleep(0.001)
    return len(queue)

def main():
    counter = VizCounter(get_tracer(), "queue")
    queue = []
    for i in range(24):
        if i % 3 != 2:
            queue.append(i)
        elif queue:
            queue.pop(0)
        counter.length = len(queue)
        counter.served = i // 3
        step(queue)

main()
PY
python3 -m viztracer --quiet --max_stack_depth 3 -o counters.json counters.py

cat > chat.cpp <<'CPP'
#include <vector>
template <int N> struct Fib { static constexpr int value = Fib<N - 1>::value + Fib<N - 2>::value; };
template <> struct Fib<1> { static constexpr int value = 1; };
template <> struct Fib<0> { static constexpr int value = 0; };
int main() {
    std::vector<int> lobby;
    lobby.push_back(Fib<18>::value);
    return static_cast<int>(lobby.size());
}
CPP
clang++ -c -ftime-trace -ftime-trace-granularity=500 chat.cpp -o chat.o

python3 - "$work" "$out" <<'PY'
import json, re, sys
work, out = sys.argv[1], sys.argv[2]
path = re.compile(r'(?:/[^/\s()"]+)+/([^/\s()"]+)')
def clean(value):
    if isinstance(value, str):
        return path.sub(r'\1', value)
    if isinstance(value, list):
        return [clean(item) for item in value]
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    return value
for source, target in [("overflow.json", "viztracer-overflow.json"), ("counters.json", "viztracer-counters.json"),
                       ("chat.json", "clang-time-trace.json")]:
    with open(f"{work}/{source}") as file:
        trace = json.load(file)
    trace.pop("file_info", None)
    trace = clean(trace)
    with open(f"{out}/{target}", "w") as file:
        file.write('{"traceEvents":[\n')
        file.write(",\n".join(json.dumps(event, separators=(",", ":")) for event in trace["traceEvents"]))
        file.write("\n]")
        for key, value in trace.items():
            if key != "traceEvents":
                file.write(f',\n{json.dumps(key)}:{json.dumps(value, separators=(",", ":"))}')
        file.write("}\n")
    print(f"{target}: {len(trace['traceEvents'])} events")
PY
