#!/usr/bin/env bash
# Reruns every side-by-side benchmark of bench/RESULTS.md (Tessera vs MariaDB, A B A B) and keeps
# the printed tables, --json and --plot files under bench/results/ (not committed). About 50 min.
# Usage: scripts/bench-results.sh [workload…]   (default: all of them)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=bench/results
mkdir -p "$out"
run() {
  local name="$1"; shift
  echo "== $name: npm run bench -- $*" >&2
  npm run --silent bench -- "$@" --json "$out/$name.json" --plot "$out/$name.svg" 2> "$out/$name.log" | tee "$out/$name.txt"
}
oltp=(oltp_point_select oltp_read_only oltp_read_write oltp_write_only oltp_update_index oltp_insert)
all=()
for w in "${oltp[@]}"; do all+=("$w" "${w}_text"); done
all+=(ingest analytics htap htap_text failover)
for w in "${@:-${all[@]}}"; do
  case "$w" in
    oltp_*_text) run "$w" "${w%_text}" --target tessera --peer mariadb --scale 10 --threads 8 --duration 20 --warmup 5 --ps-mode disable ;;
    oltp_*) run "$w" "$w" --target tessera --peer mariadb --scale 10 --threads 8 --duration 20 --warmup 5 ;;
    ingest) run "$w" ingest --target tessera --peer mariadb --scale 1 --threads 4 ;;
    analytics) run "$w" analytics --target tessera --peer mariadb --scale 0.2 ;;
    htap) run "$w" htap --target tessera --peer mariadb --scale 0.2 --threads 8 --duration 20 --warmup 5 ;;
    htap_text) run "$w" htap --target tessera --peer mariadb --scale 0.2 --threads 8 --duration 20 --warmup 5 --ps-mode disable ;;
    failover) run "$w" failover --target tessera --peer mariadb ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
done
