#!/usr/bin/env bash
# `advisor-train init` against the hand-written specs: on each shared dataset, drafts a spec
# (init, unchanged), fits it and the hand-written spec with default settings and the same seed,
# and prints both test AUCs and their difference (issue 18's bar: within 0.005). Seeds: the
# arguments (default 42). Usage: scripts/bench-init.sh [SEED...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
seeds=("${@:-42}")
cargo build --release -p advisor-train >&2
D="$SHARED/data"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
auc() { python3 -c "import json,sys; print('%.4f' % json.load(open(sys.argv[1]))['test']['auc'])" "$1/metrics.json"; }
echo "| dataset | seed | hand-written spec | drafted by init | difference | init seconds |"
echo "|---|---|---|---|---|---|"
for ds in "german_credit $D/german_credit/german_credit.csv" \
          "australian_credit $D/australian_credit/australian.csv --label A15" \
          "give_me_some_credit $D/give_me_some_credit/cs-training.csv.gz --label SeriousDlqin2yrs" \
          "bank_marketing $D/bank_marketing/bank-full.csv"; do
  set -- $ds
  name=$1 data=$2; shift 2
  start=$EPOCHREALTIME
  "$TRAIN_BIN" init --data "$data" "$@" --name "$name" --out "$out/$name.toml" >/dev/null
  secs=$(python3 -c "print('%.2f' % ($EPOCHREALTIME - $start))")
  for seed in "${seeds[@]}"; do
    "$TRAIN_BIN" fit --spec "specs/$name.toml" --data "$data" --out "$out/hand" --seed "$seed" --quiet >/dev/null 2>&1
    "$TRAIN_BIN" fit --spec "$out/$name.toml" --data "$data" --out "$out/init" --seed "$seed" --quiet >/dev/null 2>&1
    a=$(auc "$out/hand") b=$(auc "$out/init")
    echo "| $name | $seed | $a | $b | $(python3 -c "print('%+.4f' % ($b - $a))") | $secs |"
    # The TODOs answered as the hand-written spec answers them, where they differ: the label's
    # positive value (which also changes the split's rows) and each column's role.
    if python3 - "$out/$name.toml" "specs/$name.toml" "$out/followed.toml" <<'PY'
import re, sys, tomllib
draft, hand = open(sys.argv[1]).read(), open(sys.argv[2]).read()
roles = {c["name"]: c["role"] for c in tomllib.loads(hand)["columns"]}
def follow(block):
    name = re.search(r'^name = "(.*)"$', block, re.M)
    role = name and roles.get(name.group(1))
    return re.sub(r'^role = ".*"$', f'role = "{role}"', block, count=1, flags=re.M) if role else block
out = "[[columns]]".join(follow(c) for c in draft.split("[[columns]]"))
pos = re.search(r'^positive = (".*")$', hand, re.M).group(1)
out = re.sub(r'^positive = ".*"$', lambda m: f"positive = {pos}", out, flags=re.M)
open(sys.argv[3], "w").write(out)
sys.exit(0 if out != draft else 1)
PY
    then
      "$TRAIN_BIN" fit --spec "$out/followed.toml" --data "$data" --out "$out/followed" --seed "$seed" --quiet >/dev/null 2>&1
      c=$(auc "$out/followed")
      echo "| $name, roles and positive as the hand-written spec | $seed | $a | $c | $(python3 -c "print('%+.4f' % ($c - $a))") | |"
      rm -rf "$out/followed"
    fi
    rm -rf "$out/hand" "$out/init"
  done
done
