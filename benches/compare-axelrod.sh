#!/usr/bin/env bash
# Times the basic tournament (benches/throughput.rs, BASIC: ten strategies, self-play, 200 turns,
# 50 repetitions, noise 0.05) in Axelrod-Python and in detente, both on one core, and prints
# the two times and their ratio. Axelrod is installed in a throwaway virtual environment.
#
#   bash benches/compare-axelrod.sh            # AXL_RUNS=1 DETENTE_RUNS=10 by default
#   AXELROD_VENV=/path/to/venv bash benches/compare-axelrod.sh   # reuse a venv with axelrod
#
# Optional; CI does not run it. Needs python3 with venv, network access to PyPI, and cargo.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
AXL_RUNS=${AXL_RUNS:-1}
DETENTE_RUNS=${DETENTE_RUNS:-10}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== building detente (release)" >&2
(cd "$ROOT" && cargo build --release --quiet)
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/detente
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac

if [ -n "${AXELROD_VENV:-}" ]; then
    # Reuse a virtual environment that already has axelrod (repeated measurements).
    PY=$AXELROD_VENV/bin/python
else
    echo "== installing axelrod in a throwaway venv" >&2
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check axelrod
    PY=$WORK/venv/bin/python
fi

# The scenario text is the BASIC constant of benches/throughput.rs, so both benchmarks agree.
sed -n '/^pub const BASIC: &str = r#"/,/^"#;/p' "$ROOT/benches/throughput.rs" | sed '1d;$d' > "$WORK/basic.toml"
grep -q 'repetitions = 50' "$WORK/basic.toml" || { echo "could not extract BASIC from benches/throughput.rs" >&2; exit 1; }

cat > "$WORK/compare.py" <<'PY'
import statistics, subprocess, sys, time, warnings

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

cmd = [bin_, "run", scenario, "-o", out + "/detente", "--force", "--threads", "1", "-q"]
subprocess.run(cmd, check=True)  # warm-up
det_times = []
for _ in range(det_runs):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    det_times.append(time.perf_counter() - t0)

axl_med, det_med = statistics.median(axl_times), statistics.median(det_times)
print(f"axelrod {axl.__version__}: {matches} matches, tournament + summary {axl_med:.3f} s "
      f"(median of {axl_runs}; import axelrod {t_import:.2f} s not counted)")
print(f"detente: whole process, run to CSV, --threads 1: {det_med * 1000:.1f} ms (median of {det_runs})")
print(f"ratio: detente is {axl_med / det_med:.0f}x faster")
PY

"$PY" "$WORK/compare.py" "$BIN" "$WORK/basic.toml" "$WORK" "$AXL_RUNS" "$DETENTE_RUNS"
