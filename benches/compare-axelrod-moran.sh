#!/usr/bin/env bash
# The evolution workload of issue 11 in Axelrod-Python and in detente: birth–death Moran process,
# 20 players (5 each of TitForTat, Defector, Cooperator, Grudger), 100-round matches, execution
# noise 0.05, matches played every generation, run to fixation, 20 seeds
# (scenarios/evolution-axelrod-moran.toml). Prints
#   - detente's whole-process wall time for the 20 seeds (median of DETENTE_RUNS),
#   - Axelrod's time per seed and its fixation counts over AXL_SEEDS seeds,
#   - detente's fixation frequencies over DETENTE_FREQ_RUNS runs, and for each strategy the
#     z-score of Axelrod's count against them, z = (k − n·p)/sqrt(n·p(1 − p)), plus Pearson's χ²
#     over the strategies (3 degrees of freedom; 7.8 is the 5% critical value, 11.3 the 1%).
#
#   bash benches/compare-axelrod-moran.sh          # AXL_SEEDS=20 (about 10 minutes), DETENTE_RUNS=5
#   AXELROD_VENV=/path/to/venv bash benches/compare-axelrod-moran.sh
#
# Optional; CI does not run it. Needs python3 and axelrod (installed into a throwaway venv unless
# AXELROD_VENV is given or python3 can already import it) and cargo.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
AXL_SEEDS=${AXL_SEEDS:-20}
DETENTE_RUNS=${DETENTE_RUNS:-5}
DETENTE_FREQ_RUNS=${DETENTE_FREQ_RUNS:-2000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== building detente (release)" >&2
(cd "$ROOT" && cargo build --release --quiet)
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/detente
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac

if [ -n "${AXELROD_VENV:-}" ]; then
    PY=$AXELROD_VENV/bin/python
elif python3 -c "import axelrod" 2>/dev/null; then
    PY=python3
else
    echo "== installing axelrod in a throwaway venv" >&2
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install --quiet --disable-pip-version-check axelrod
    PY=$WORK/venv/bin/python
fi

SCENARIO=$ROOT/scenarios/evolution-axelrod-moran.toml
sed 's/^runs = 20$/runs = '"$DETENTE_FREQ_RUNS"'/' "$SCENARIO" > "$WORK/freq.toml"

cat > "$WORK/compare.py" <<'PY'
import csv, statistics, subprocess, sys, time, warnings
from collections import Counter

warnings.filterwarnings("ignore")
bin_, scenario, freq, out, seeds, det_runs = sys.argv[1:7]
seeds, det_runs = int(seeds), int(det_runs)

cmd = [bin_, "evolve", scenario, "-o", out + "/det", "--force", "-q"]
subprocess.run(cmd, check=True)  # warm-up
times = []
for _ in range(det_runs):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    times.append(time.perf_counter() - t0)
print(f"detente: 20 seeds, whole process: {statistics.median(times):.3f} s (median of {det_runs})")

subprocess.run([bin_, "evolve", freq, "-o", out + "/freq", "--force", "-q"], check=True)
with open(out + "/freq/fixation.csv") as f:
    det = Counter(r["fixed"] for r in csv.DictReader(f))
n_det = sum(det.values())

import axelrod as axl
names = {"Tit For Tat": "TitForTat", "Defector": "Defector", "Cooperator": "Cooperator", "Grudger": "Grudger"}
axl_counts = Counter()
t_all = []
for k in range(seeds):
    players = [axl.TitForTat(), axl.Defector(), axl.Cooperator(), axl.Grudger()] * 5
    t0 = time.perf_counter()
    mp = axl.MoranProcess(players, turns=100, noise=0.05, seed=k + 1)
    mp.play()
    t_all.append(time.perf_counter() - t0)
    axl_counts[names[mp.winning_strategy_name]] += 1
    print(f"  axelrod seed {k + 1}: {mp.winning_strategy_name} after {len(mp) - 1} generations, {t_all[-1]:.1f} s", flush=True)
print(f"axelrod {axl.__version__}: {seeds} seeds in {sum(t_all):.1f} s ({statistics.mean(t_all):.1f} s per seed)")

chi2 = 0.0
print(f"{'strategy':<12} {'detente p':>10} {'axelrod k/n':>12} {'z':>7}")
for s in ["TitForTat", "Defector", "Cooperator", "Grudger"]:
    p = det[s] / n_det
    k = axl_counts[s]
    exp = seeds * p
    sd = (seeds * p * (1 - p)) ** 0.5
    z = (k - exp) / sd if sd > 0 else float("nan")
    if exp > 0:
        chi2 += (k - exp) ** 2 / exp
    print(f"{s:<12} {p:>10.3f} {k:>5}/{seeds:<6} {z:>7.2f}")
print(f"chi-square (3 df) = {chi2:.2f}  [detente: {n_det} runs]")
PY

"$PY" "$WORK/compare.py" "$BIN" "$SCENARIO" "$WORK/freq.toml" "$WORK" "$AXL_SEEDS" "$DETENTE_RUNS"
