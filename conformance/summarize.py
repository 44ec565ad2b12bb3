"""Summarize one capture: request counts by route, failed requests, refused attempts.

    python summarize.py CAPTURE.json [NETGUARD_LOG.jsonl]

Route template: `METHOD /path` with every id-like segment replaced by `{id}`. A
segment counts as an id when it contains a digit or an underscore (sandbox and
API ids are 24-hex ObjectIds or prefixed base-62 ids such as `aud_...`; no
literal path segment of the API has either), or when it is a percent-encoded
value.
"""

from __future__ import annotations

import collections
import json
import re
import sys

_ID = re.compile(r"[0-9_%]")


def route_of(entry: dict) -> str:
    segments = [("{id}" if _ID.search(s) else s) for s in entry["path"].split("/")]
    return f"{entry['method']} {'/'.join(segments)}"


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        capture = json.load(f)

    counts = collections.Counter(route_of(e) for e in capture)
    statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for e in capture:
        statuses[route_of(e)][str(e["status"])] += 1
    width = max((len(r) for r in counts), default=0)
    print("  requests by route (in order of first use):")
    seen = []
    for e in capture:
        r = route_of(e)
        if r not in seen:
            seen.append(r)
    for r in seen:
        codes = ", ".join(f"{code}x{n}" for code, n in sorted(statuses[r].items()))
        print(f"    {counts[r]:4d}  {r:<{width}}  [{codes}]")
    print(f"    {len(capture):4d}  total")

    failed = [(i, e) for i, e in enumerate(capture) if e["status"] is None or e["status"] >= 400]
    if failed:
        print("  requests answered >= 400 (or not at all):")
        for i, e in failed:
            answer = json.dumps(e["response"])
            if len(answer) > 400:
                answer = answer[:400] + "..."
            print(f"    #{i} {e['method']} {e['path']} -> {e['status']}: {answer}")

    if len(sys.argv) == 3:
        refused = collections.Counter()
        try:
            with open(sys.argv[2], encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        r = json.loads(line)
                        refused[(r["kind"], r["host"], r.get("port"))] += 1
        except FileNotFoundError:
            pass
        if refused:
            print("  refused non-loopback attempts (netguard):")
            for (kind, host, port), n in refused.items():
                print(f"    {n:4d}  {kind} {host}" + (f":{port}" if port is not None else ""))
        else:
            print("  refused non-loopback attempts (netguard): none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
