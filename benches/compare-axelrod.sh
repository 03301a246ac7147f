#!/usr/bin/env bash
# Times the basic tournament (benches/throughput.rs, BASIC: ten strategies, self-play, 55
# pairings, 200 turns, 50 repetitions, noise 0.05) in Axelrod-Python (one core) and in detente
# (whole process, --threads 1 and --threads 2) in one run, interleaving the detente runs, and
# prints the times side by side with the ratios. Minimums over repeated runs are the headline
# (a shared machine only ever adds time); medians are printed next to them.
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

def cmd(threads):
    return [bin_, "run", scenario, "-o", f"{out}/detente-{threads}", "--force", "--threads", str(threads), "-q"]

for t in (1, 2):
    subprocess.run(cmd(t), check=True)  # warm-up
det = {1: [], 2: []}
for _ in range(det_runs):
    for t in (1, 2):  # interleaved, so both see the same machine
        t0 = time.perf_counter()
        subprocess.run(cmd(t), check=True)
        det[t].append(time.perf_counter() - t0)

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
print(f"{'':28}{'min':>10}{'median':>10}{'runs':>6}   Axelrod / detente (min)")
print(f"{'axelrod ' + axl.__version__ + ' (1 core)':28}{axl_min:>9.2f}s{axl_med:>9.2f}s{axl_runs:>6}   (import {t_import:.1f} s not counted)")
for t in (1, 2):
    mn, md = min(det[t]), statistics.median(det[t])
    print(f"{'detente --threads ' + str(t):28}{mn * 1000:>8.1f}ms{md * 1000:>8.1f}ms{det_runs:>6}   {axl_min / mn:,.0f}x")
print(f"detente 2 threads vs 1: {min(det[1]) / min(det[2]):.2f}x (min), {statistics.median(det[1]) / statistics.median(det[2]):.2f}x (median)")
PY

"$PY" "$WORK/compare.py" "$BIN" "$WORK/basic.toml" "$WORK" "$AXL_RUNS" "$DETENTE_RUNS"
