#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Tests/Fuzz/Harnesses) with -sanitize=fuzzer,address and runs
# each for SECONDS (default 60) on its seed corpus and dictionary:
#   [FUZZ_OPT=-Onone] bash Tests/Fuzz/fuzz.sh [SECONDS] [HARNESS…]   HARNESS: lanes chrome otlp json loader protobuf
# Corpora grow in .build/fuzz/corpus/HARNESS; a crash, a leak or a slow input (over 10 s) stops
# that harness, leaves the input in .build/fuzz/artifacts/ and makes the script exit non-zero.
# Replay one: .build/fuzz/fuzz-HARNESS .build/fuzz/artifacts/crash-…
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
harnesses=("$@")
[ "${#harnesses[@]}" -gt 0 ] || harnesses=(lanes chrome otlp json loader protobuf)

out=.build/fuzz
mkdir -p "$out/modules" "$out/artifacts"
# FUZZ_OPT=-Onone compiles faster (CI) at the cost of fewer inputs per second.
flags=(-sanitize=fuzzer,address -parse-as-library "${FUZZ_OPT:--O}" -g -swift-version 6 -package-name lanes -I "$out/modules")

# The C checksum module (SSE 4.2 CRC-32C), with a module map for Swift to import it by.
if [ ! -f "$out/CLanesChecksum.o" ] || [ Sources/CLanesChecksum/CLanesChecksum.c -nt "$out/CLanesChecksum.o" ]; then
    clang -c -O2 -g -fsanitize=fuzzer-no-link,address -I Sources/CLanesChecksum/include \
        Sources/CLanesChecksum/CLanesChecksum.c -o "$out/CLanesChecksum.o"
fi
mkdir -p "$out/modules/CLanesChecksum"
printf 'module CLanesChecksum {\n  header "%s"\n  export *\n}\n' \
    "$PWD/Sources/CLanesChecksum/include/CLanesChecksum.h" > "$out/modules/CLanesChecksum/module.modulemap"

# The modules under test, each one object; rebuilt only when a source changed.
build_module() {
    local name="$1"; shift
    local sources=()
    while IFS= read -r file; do sources+=("$file"); done < <(find "Sources/$name" -name '*.swift' | sort)
    local object="$out/$name.o"
    if [ -f "$object" ] && [ -z "$(find "Sources/$name" -name '*.swift' -newer "$object")" ] && [ -z "$(find "$out" -maxdepth 1 -name '*.o' -newer "$object")" ]; then
        return
    fi
    echo "fuzz: building $name"
    swiftc "${flags[@]}" -enable-testing -wmo -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
        -c "${sources[@]}" -o "$object"
}
build_module LanesModel
build_module LanesWriter
build_module LanesFormat
build_module LanesAnalysis

declare -A harness_file=(
    [lanes]=FuzzLanesFile [chrome]=FuzzChromeJSON [otlp]=FuzzOTLPJSON [json]=FuzzJSONReader [loader]=FuzzTraceLoader
    [protobuf]=FuzzOTLPProtobuf)  # protobuf: lanes collect's request bodies (OTLPProtobufDecoder)
status=0
for harness in "${harnesses[@]}"; do
    file="${harness_file[$harness]:?unknown harness $harness (lanes chrome otlp json loader protobuf)}"
    echo "fuzz: building fuzz-$harness"
    # (The linker's notes about the sanitizer's local symbols go to the log, not the screen.)
    if ! swiftc "${flags[@]}" -module-name "Fuzz$harness" "Tests/Fuzz/Harnesses/$file.swift" \
        "$out/LanesModel.o" "$out/LanesWriter.o" "$out/LanesFormat.o" "$out/LanesAnalysis.o" "$out/CLanesChecksum.o" \
        -o "$out/fuzz-$harness" > "$out/build-$harness.log" 2>&1; then
        cat "$out/build-$harness.log"
        exit 1
    fi
    corpus="$out/corpus/$harness"
    mkdir -p "$corpus"
    seeds=("Tests/Fuzz/Seeds/$harness")
    case "$harness" in
        loader) seeds+=(Traces) ;;
    esac
    case "$harness" in
        chrome|json|loader) seeds+=(Tests/LanesFormatTests/Fixtures) ;;
    esac
    dictionary="Tests/Fuzz/Dictionaries/$harness.dict"
    echo "fuzz: running fuzz-$harness for ${seconds}s"
    # Swift's backtracer would catch traps before libFuzzer could save the input.
    if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1 "$out/fuzz-$harness" "$corpus" "${seeds[@]}" \
        -dict="$dictionary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$out/artifacts/$harness-" -print_final_stats=1 2> "$out/fuzz-$harness.log"; then
        echo "fuzz: fuzz-$harness FAILED; the input is in $out/artifacts/, the log in $out/fuzz-$harness.log"
        tail -40 "$out/fuzz-$harness.log"
        status=1
    else
        grep -E "stat::number_of_executed_runs|cov: " "$out/fuzz-$harness.log" | tail -2 | sed "s/^/fuzz: $harness: /"
    fi
done
exit $status
