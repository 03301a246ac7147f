#!/usr/bin/env bash
# Submits a detente scenario as an N-task job array and a merge job that runs when every task
# has succeeded (afterok).
#
#   contrib/slurm/submit.sh SCENARIO.toml OUTDIR N [extra sbatch options...]
#
# Set DETENTE to the detente binary if it is not on PATH on the compute nodes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scenario=${1:?usage: submit.sh SCENARIO OUTDIR N}
out=${2:?usage: submit.sh SCENARIO OUTDIR N}
n=${3:?usage: submit.sh SCENARIO OUTDIR N}
shift 3
array=$(sbatch --parsable --array=0-$((n - 1)) "$@" "$here/detente-array.sbatch" "$scenario" "$out")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" "$@" "$here/detente-merge.sbatch" "$out")
echo "array job $array ($n shards), merge job $merge -> $out"
