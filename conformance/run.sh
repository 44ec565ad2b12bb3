#!/usr/bin/env bash
# Conformance harness: run the official Python SDK (rapidata==3.27.1) against the sandbox,
# offline, and capture every request it sends. See conformance/README.md.
#
#   conformance/run.sh [--capture-dir DIR] [--sandbox-bin PATH] [--venv DIR]
#                      [--timeout SECS] [SCENARIO ...]
#
#   --capture-dir DIR   where <scenario>.json (+ .log, .netguard.jsonl, .sandbox-stats.json)
#                       go; default: a new temp dir (printed)
#   --sandbox-bin PATH  sandbox binary to use (also env SANDBOX_BIN); default: build it with
#                       `cargo build -q -p rapidata-sandbox` in this workspace
#   --venv DIR          reuse (or create) this virtual environment instead of a fresh temp one
#   --timeout SECS      per-scenario time limit (default 90)
#   SCENARIO            names under conformance/scenarios/ (default: all)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SDK_VERSION="3.27.1"
CAPTURE_DIR=""
SANDBOX_BIN="${SANDBOX_BIN:-}"
VENV=""
SCENARIO_TIMEOUT=90
SCENARIOS=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --capture-dir) CAPTURE_DIR="$2"; shift 2 ;;
    --capture-dir=*) CAPTURE_DIR="${1#*=}"; shift ;;
    --sandbox-bin) SANDBOX_BIN="$2"; shift 2 ;;
    --sandbox-bin=*) SANDBOX_BIN="${1#*=}"; shift ;;
    --venv) VENV="$2"; shift 2 ;;
    --venv=*) VENV="${1#*=}"; shift ;;
    --timeout) SCENARIO_TIMEOUT="$2"; shift 2 ;;
    --timeout=*) SCENARIO_TIMEOUT="${1#*=}"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown flag $1" >&2; exit 2 ;;
    *) SCENARIOS+=("$1"); shift ;;
  esac
done
if [[ ${#SCENARIOS[@]} -eq 0 ]]; then
  SCENARIOS=(guide_compare classification free_text locate ranking select_words draw timestamp dataset_update validation_sets)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapidata-conformance.XXXXXX")"   # removed on exit
if [[ -z "$CAPTURE_DIR" ]]; then
  CAPTURE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rapidata-conformance-captures.XXXXXX")"
fi
mkdir -p "$CAPTURE_DIR"
CAPTURE_DIR="$(cd "$CAPTURE_DIR" && pwd)"
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ inside the repository

# ---- every process we start is remembered here and killed on exit -------------------------
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {  # stop_pid PID: TERM it, wait for it, forget it
  local pid="$1" rest=() p
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do [[ "$p" == "$pid" ]] || rest+=("$p"); done
  PIDS=("${rest[@]+"${rest[@]}"}")
}

# start_server NAME STDOUT_FILE CMD...: start CMD in the background, wait for its first
# stdout line `listening on http://127.0.0.1:PORT`; sets STARTED_PID and STARTED_URL.
start_server() {
  local name="$1" out="$2"; shift 2
  "$@" >"$out" 2>"$out.stderr" &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  local i line
  for ((i = 0; i < 200; i++)); do
    line="$(head -n 1 "$out" 2>/dev/null || true)"
    if [[ "$line" == "listening on http://127.0.0.1:"* ]]; then
      STARTED_URL="${line#listening on }"
      return 0
    fi
    if ! kill -0 "$STARTED_PID" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "run.sh: $name did not start; its stderr:" >&2
  cat "$out.stderr" >&2 || true
  exit 1
}

# ---- 1. the SDK, from the registry ------------------------------------------------------
if [[ -z "$VENV" ]]; then VENV="$WORK/venv"; fi
PY="$VENV/bin/python"
if [[ -x "$PY" ]] && "$PY" -c "import importlib.metadata as m,sys; sys.exit(m.version('rapidata') != '$SDK_VERSION')" 2>/dev/null; then
  echo "== SDK: rapidata $SDK_VERSION already in $VENV"
else
  echo "== SDK: pip install rapidata==$SDK_VERSION into $VENV"
  python3 -m venv "$VENV"
  if ! "$VENV/bin/pip" install -q --disable-pip-version-check "rapidata==$SDK_VERSION"; then
    echo "run.sh: FAILED to install rapidata==$SDK_VERSION from the package registry" >&2
    exit 1
  fi
fi

# ---- 2. the sandbox binary --------------------------------------------------------------
if [[ -z "$SANDBOX_BIN" ]]; then
  echo "== sandbox: cargo build -q -p rapidata-sandbox"
  (cd "$ROOT" && cargo build -q -p rapidata-sandbox)
  TARGET_DIR="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
  SANDBOX_BIN="$TARGET_DIR/debug/rapidata-sandbox"
fi
if [[ ! -x "$SANDBOX_BIN" ]]; then
  echo "run.sh: sandbox binary not found: $SANDBOX_BIN" >&2
  exit 1
fi
echo "== sandbox: $SANDBOX_BIN"
echo "== captures: $CAPTURE_DIR"

# ---- 3. scenarios ------------------------------------------------------------------------
PASSED=0
FAILED=0
for scenario in "${SCENARIOS[@]}"; do
  script="$HERE/scenarios/$scenario.py"
  if [[ ! -f "$script" ]]; then
    echo "run.sh: no such scenario: $scenario" >&2
    FAILED=$((FAILED + 1))
    continue
  fi
  echo
  echo "== scenario $scenario"
  start_server sandbox "$WORK/$scenario.sandbox.out" "$SANDBOX_BIN" \
    --seed 7 --response-interval-ms 10 --qualification-delay-ms 100 --cost-estimate-delay-ms 100
  sandbox_pid="$STARTED_PID"
  sandbox_url="$STARTED_URL"
  start_server recorder "$WORK/$scenario.recorder.out" \
    python3 "$HERE/recorder.py" --upstream "$sandbox_url" --out "$WORK/$scenario.capture.json"
  recorder_pid="$STARTED_PID"
  recorder_url="$STARTED_URL"
  echo "   sandbox $sandbox_url, recorder $recorder_url"

  guard_log="$CAPTURE_DIR/$scenario.netguard.jsonl"
  : >"$guard_log"
  mkdir -p "$WORK/home-$scenario" "$WORK/tmp-$scenario"
  # A clean environment: a throwaway HOME (no credential file is read or written),
  # no proxies, the sandbox credentials, the guard on PYTHONPATH.
  set +e
  env -i \
    PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" \
    HOME="$WORK/home-$scenario" \
    TMPDIR="$WORK/tmp-$scenario" \
    LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH="$HERE/netguard" \
    NETGUARD_LOG="$guard_log" \
    NO_PROXY="127.0.0.1,localhost,::1" \
    RAPIDATA_AGENT_HINT=0 \
    RAPIDATA_DISABLE_OTLP=1 \
    RAPIDATA_ENVIRONMENT=sandbox.invalid \
    RAPIDATA_CLIENT_ID=sandbox-client \
    RAPIDATA_CLIENT_SECRET=sandbox-secret \
    CONFORMANCE_BASE_URL="$recorder_url" \
    timeout --kill-after=5 "$SCENARIO_TIMEOUT" \
    "$PY" "$HERE/runner.py" "$script" >"$CAPTURE_DIR/$scenario.log" 2>&1 &
  scenario_pid=$!
  PIDS+=("$scenario_pid")   # in the background so that an interrupt reaches the trap at once
  wait "$scenario_pid"
  rc=$?
  set -e
  stop_pid "$scenario_pid"

  curl -s --max-time 5 "$sandbox_url/_sandbox/stats" >"$CAPTURE_DIR/$scenario.sandbox-stats.json" || true
  stop_pid "$recorder_pid"   # SIGTERM: the recorder writes its capture and exits
  stop_pid "$sandbox_pid"
  if [[ -f "$WORK/$scenario.capture.json" ]]; then
    mv "$WORK/$scenario.capture.json" "$CAPTURE_DIR/$scenario.json"
    echo "   capture: $CAPTURE_DIR/$scenario.json"
    python3 "$HERE/summarize.py" "$CAPTURE_DIR/$scenario.json" "$guard_log"
  else
    echo "   (the recorder wrote no capture)"
  fi

  last_line="$(grep -v '^[[:space:]]*$' "$CAPTURE_DIR/$scenario.log" | tail -n 1 || true)"
  if [[ $rc -eq 0 && "$last_line" == "$scenario: OK"* ]]; then
    echo "   PASS: $last_line"
    PASSED=$((PASSED + 1))
  else
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
      echo "   FAIL: timed out after ${SCENARIO_TIMEOUT}s"
    else
      echo "   FAIL: exit status $rc; last lines of $CAPTURE_DIR/$scenario.log:"
    fi
    tail -n 12 "$CAPTURE_DIR/$scenario.log" | sed 's/^/     | /'
    FAILED=$((FAILED + 1))
  fi
done

echo
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
