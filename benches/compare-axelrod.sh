#!/usr/bin/env bash
# Times the basic tournament (benches/throughput.rs, BASIC: ten strategies, self-play, 55
# pairings, 200 turns, 50 repetitions, noise 0.05) in Axelrod-Python (one core) and in detente
# (whole process, --threads 1 and --threads 2) in one run, interleaving the detente runs, and
# prints the times side by side with the ratios. detente runs twice per thread count: with every
# output (matches.csv, the summary, strategies, pairs, matrix and roster tables) and with
# `--outputs strategies,summary`, a per-strategy summary like the one Axelrod's write_summary
# (which the Axelrod timing includes) produces; each has its own ratio. Minimums over repeated runs are the headline
# (a shared machine only ever adds time); medians are printed next to them. Interleaved with them,
# it times the start of a process in the same harness (`/usr/bin/true`, `detente --version`) and
# prints what those floors leave: the time 1,000x Axelrod allows past detente's start, and the most
# two threads could gain over one if everything but the start were halved.
#
#   bash benches/compare-axelrod.sh            # AXL_RUNS=3 DETENTE_RUNS=30 by default
#   AXELROD_PYTHON=/path/to/python bash benches/compare-axelrod.sh   # a python with axelrod
#
# Uses the first python3 that imports axelrod; else installs axelrod==$AXELROD_VERSION (4.14.0
# by default, the version of the README's figures) in a throwaway virtual environment.
# Optional; CI does not run it. Needs python3 (with venv and PyPI access if axelrod is missing)
# and cargo.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
AXL_RUNS=${AXL_RUNS:-3}
DETENTE_RUNS=${DETENTE_RUNS:-30}
AXELROD_VERSION=${AXELROD_VERSION:-4.14.0}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== building detente (release)" >&2
(cd "$ROOT" && cargo build --release --quiet)
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/detente
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac

if [ -n "${AXELROD_PYTHON:-}" ]; then
    PY=$AXELROD_PYTHON
elif [ -n "${AXELROD_VENV:-}" ]; then
    PY=$AXELROD_VENV/bin/python
elif python3 -c 'import axelrod' 2>/dev/null; then
    PY=$(command -v python3)
else
    echo "== installing axelrod==$AXELROD_VERSION in a throwaway venv" >&2
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "axelrod==$AXELROD_VERSION"
    PY=$WORK/venv/bin/python
fi

# The scenario text is the BASIC constant of benches/throughput.rs, so both benchmarks agree.
sed -n '/^pub const BASIC: &str = r#"/,/^"#;/p' "$ROOT/benches/throughput.rs" | sed '1d;$d' > "$WORK/basic.toml"
grep -q 'repetitions = 50' "$WORK/basic.toml" || { echo "could not extract BASIC from benches/throughput.rs" >&2; exit 1; }

cat > "$WORK/compare.py" <<'PY'
import os, statistics, subprocess, sys, time, warnings

warnings.filterwarnings("ignore")
bin_, scenario, out, axl_runs, det_runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

t0 = time.perf_counter()
import axelrod as axl
t_import = time.perf_counter() - t0

def players():
    return [axl.Cooperator(), axl.Defector(), axl.TitForTat(), axl.Grudger(), axl.WinStayLoseShift(),
            axl.Alternator(), axl.Random(0.5), axl.GTFT(), axl.TitFor2Tats(), axl.SuspiciousTitForTat()]

axl_times = []
for k in range(axl_runs):
    t0 = time.perf_counter()
    t = axl.Tournament(players(), turns=200, repetitions=50, noise=0.05, seed=k + 1)
    # processes=None is Axelrod's serial path: one core, like processes=1 but without a worker
    # pool (with processes=1, Axelrod 4.14 starts a pool of one and builds the results with dask
    # multiprocessing, which hung in our sandbox).
    results = t.play(processes=None, progress_bar=False)
    results.write_summary(out + "/axelrod-summary.csv")
    axl_times.append(time.perf_counter() - t0)
matches = len(results.players) * (len(results.players) + 1) // 2 * results.repetitions

# (label, extra arguments): every output, and the per-strategy summary Axelrod writes.
VARIANTS = [("all outputs", []), ("strategies,summary", ["--outputs", "strategies,summary"])]

def cmd(threads, extra):
    tag = "lean" if extra else "full"
    return [bin_, "run", scenario, "-o", f"{out}/detente-{tag}-{threads}", "--force", "--threads", str(threads), "-q"] + extra

# What starting a process costs in this harness, which no speed-up of detente removes: a process
# that does nothing, and detente printing its version (loader, Rust's start-up, exit).
FLOORS = [("/usr/bin/true", ["/usr/bin/true"]), ("detente --version", [bin_, "--version"])]

for _, extra in VARIANTS:
    for t in (1, 2):
        subprocess.run(cmd(t, extra), check=True)  # warm-up
det = {(label, t): [] for label, _ in VARIANTS for t in (1, 2)}
floor = {label: [] for label, _ in FLOORS}
for _ in range(det_runs):
    for label, extra in VARIANTS:
        for t in (1, 2):  # interleaved, so every variant sees the same machine
            t0 = time.perf_counter()
            subprocess.run(cmd(t, extra), check=True)
            det[(label, t)].append(time.perf_counter() - t0)
    for label, argv in FLOORS:
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        floor[label].append(time.perf_counter() - t0)

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"

axl_min, axl_med = min(axl_times), statistics.median(axl_times)
print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, load average {os.getloadavg()[0]:.2f} at the end")
print(f"workload: basic tournament, {matches} matches of 200 rounds, noise 0.05")
W = 48
print(f"{'':{W}}{'min':>10}{'median':>10}{'runs':>6}   Axelrod / detente (min)")
print(f"{'axelrod ' + axl.__version__ + ' (1 core, with write_summary)':{W}}{axl_min:>9.2f}s{axl_med:>9.2f}s{axl_runs:>6}   (import {t_import:.1f} s not counted)")
for label, _ in VARIANTS:
    for t in (1, 2):
        times = det[(label, t)]
        mn, md = min(times), statistics.median(times)
        name = f"detente --threads {t}, {label}"
        print(f"{name:{W}}{mn * 1000:>8.1f}ms{md * 1000:>8.1f}ms{det_runs:>6}   {axl_min / mn:,.0f}x")
for label, _ in VARIANTS:
    one, two = det[(label, 1)], det[(label, 2)]
    print(f"detente 2 threads vs 1, {label}: {min(one) / min(two):.2f}x (min), {statistics.median(one) / statistics.median(two):.2f}x (median)")
for label, _ in FLOORS:
    times = floor[label]
    print(f"{'process start: ' + label:{W}}{min(times) * 1000:>8.1f}ms{statistics.median(times) * 1000:>8.1f}ms{det_runs:>6}")
# The limits those floors set: 1,000x is a whole process of axl_min / 1000; and with the start of
# `detente --version` serial, two threads can at best halve the rest of the one-thread run.
start = min(floor["detente --version"])
print(f"1,000x Axelrod means a whole process of at most {axl_min:.2f} ms, {axl_min - start * 1000:.2f} ms past detente's start")
for label, _ in VARIANTS:
    one = min(det[(label, 1)])
    print(f"2 threads vs 1, {label}, if all but the start halved: at most {one / (start + (one - start) / 2):.2f}x")
PY

"$PY" "$WORK/compare.py" "$BIN" "$WORK/basic.toml" "$WORK" "$AXL_RUNS" "$DETENTE_RUNS"
