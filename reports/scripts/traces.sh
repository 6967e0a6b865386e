#!/usr/bin/env bash
# The shipped request traces (workloads/traces/), seeded, for
# `roofline simulate --trace` and `plan --qps --trace`:
#   chat-poisson-8.csv           1000 requests, Poisson at 8 req/s, ShareGPT
#                                means (prompt 161.31, output 337.99 tokens;
#                                Kwon et al. 2023), log-normal sigma 1
#   summarization-poisson-2.csv  1000 requests, Poisson at 2 req/s,
#                                CNN/DailyMail means (article 781, summary
#                                56 tokens; See et al. 2017), sigma 0.5
#   chat-bursty-8.csv            the chat lengths with gamma gaps of
#                                coefficient of variation 3 (bursty)
#   chat-system-prompt-8.csv     the chat lengths after one of 8 shared
#                                system prompts of 1024 tokens
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=workloads/traces
mkdir -p "$out"
gen() {
  local name=$1
  shift
  "$bin" simulate --model llama-3-8b --hardware h200 --requests 1000 \
    --seed 2026 "$@" --save-trace "$out/$name.csv" --format csv >/dev/null
}
gen chat-poisson-8 --rate 8 --lengths chat
gen summarization-poisson-2 --rate 2 --lengths summarization
gen chat-bursty-8 --rate 8 --arrivals gamma --cv 3 --lengths chat
gen chat-system-prompt-8 --rate 8 --lengths chat \
  --shared-prefix-tokens 1024 --prefix-groups 8
ls -l "$out"
