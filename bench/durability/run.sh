#!/usr/bin/env bash
# Commit latency and recovery (issue 3), on this machine:
#  - sysbench oltp_insert and oltp_write_only, 1 and 16 threads: Tessera with durability=sync
#    against MariaDB (InnoDB, innodb_flush_log_at_trx_commit=1, no binlog), both on loopback
#    with a temporary data dir on the same disk; TPS and p99 latency (ms);
#  - the recovery time of one Tessera partition with 1,000,000 rows of log (recovery-time.mjs).
# Usage: bench/durability/run.sh   (after npm run build; SECS, SIZE, ROWS override the defaults)
set -euo pipefail
SECS=${SECS:-30}
SIZE=${SIZE:-10000}
ROWS=${ROWS:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-durability-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_sql() { # port
  for _ in $(seq 1 600); do
    mariadb -h127.0.0.1 -P"$1" -uroot -e 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server on port $1 did not come up" >&2
  return 1
}

echo "machine: $(nproc) cores, $(node -e 'console.log((require("os").totalmem()/2**30).toFixed(1))') GiB, $(df -h "$work" | awk 'NR==2{print $1}')"
echo "sysbench: $(sysbench --version), MariaDB: $(/usr/sbin/mariadbd --version | awk '{print $3}'), node $(node --version)"

# Tessera, durability=sync (the default)
tport=$(free_port)
node "$root/dist/src/cli/tessera.js" start --port "$tport" --data-dir "$work/tessera" --durability sync --log-level warn >/dev/null 2>&1 &
pids+=($!)
wait_sql "$tport"

# MariaDB, InnoDB with a durable commit
mport=$(free_port)
mariadb-install-db --no-defaults --datadir="$work/maria" --auth-root-authentication-method=normal --skip-test-db --user="$(id -un)" >/dev/null 2>&1
/usr/sbin/mariadbd --no-defaults --datadir="$work/maria" --socket="$work/maria.sock" --port="$mport" --pid-file="$work/maria.pid" \
  --user="$(id -un)" --bind-address=127.0.0.1 --innodb-flush-log-at-trx-commit=1 --innodb-buffer-pool-size=1G \
  --innodb-log-file-size=512M --skip-log-bin --skip-name-resolve --performance-schema=OFF --max-connections=500 >"$work/maria.err" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -S "$work/maria.sock" ] && break; sleep 0.2; done
mariadb --socket="$work/maria.sock" -uroot -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION"
wait_sql "$mport"

echo "target workload threads tps p99_ms"
for w in oltp_insert oltp_write_only; do
  for t in 1 16; do
    for target in tessera:"$tport" mariadb:"$mport"; do
      name=${target%%:*}
      port=${target##*:}
      echo "$name $("$here/sysbench-run.sh" 127.0.0.1 "$port" root "$w" "$t" "$SECS" "$SIZE")"
    done
  done
done

for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

echo "recovery: $(node "$here/recovery-time.mjs" "$ROWS")"
