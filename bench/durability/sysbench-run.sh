#!/usr/bin/env bash
# Runs one sysbench workload against a MySQL endpoint and prints "workload threads tps p99_ms".
# Usage: sysbench-run.sh <host> <port> <user> <workload> <threads> <seconds> [table_size]
set -euo pipefail
host=$1 port=$2 user=$3 workload=$4 threads=$5 secs=$6 size=${7:-10000}
common=(--db-driver=mysql --mysql-host="$host" --mysql-port="$port" --mysql-user="$user" --mysql-password= --mysql-db=sbtest --tables=1 --table-size="$size")
mariadb -h"$host" -P"$port" -u"$user" -e 'DROP DATABASE IF EXISTS sbtest; CREATE DATABASE sbtest' >/dev/null
sysbench "$workload" "${common[@]}" prepare >/dev/null
out=$(sysbench "$workload" "${common[@]}" --threads="$threads" --time="$secs" --percentile=99 --report-interval=0 run)
tps=$(sed -n 's/.*transactions:.*(\([0-9.]*\) per sec.).*/\1/p' <<<"$out")
p99=$(sed -n 's/.*99th percentile:[[:space:]]*\([0-9.]*\).*/\1/p' <<<"$out")
echo "$workload $threads $tps $p99"
