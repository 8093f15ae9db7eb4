#!/usr/bin/env bash
# scripts/fuzz.sh BUILD_DIR SECONDS: runs every fuzz_* target of a fuzzing
# build for SECONDS each, starting from its checked-in corpus.
set -uo pipefail
build_dir=${1:?build dir}
seconds=${2:-60}
corpora="$build_dir/fuzz-corpora.txt"
crashes="$build_dir/crashes"
mkdir -p "$crashes"
failed=()
while IFS='=' read -r target seeds; do
  binary=$(find "$build_dir" -type f -name "$target" -perm -u+x | head -n 1)
  [ -n "$binary" ] || { echo "fuzz: $target not built"; failed+=("$target"); continue; }
  work="$build_dir/corpus/$target"
  mkdir -p "$work"
  echo "== $target (${seconds}s)"
  if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$crashes/$target-" "$work" "$seeds" 2>"$build_dir/$target.log"; then
    tail -n 30 "$build_dir/$target.log"
    failed+=("$target")
  else
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$build_dir/$target.log" | tr '\n' ' '
    echo
  fi
done < "$corpora"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failures in ${failed[*]}; inputs in $crashes"
  exit 1
fi
echo "fuzz: no crashes"
