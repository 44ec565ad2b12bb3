"""Run one scenario script against a local server with the unmodified SDK.

    python runner.py SCENARIO.py

Environment:
    CONFORMANCE_BASE_URL   where API and auth requests go (the recorder), required
    RAPIDATA_ENVIRONMENT   environment name the SDK is given (default sandbox.invalid;
                           not one of the SDK's telemetry environments, so it
                           exports no OpenTelemetry data, and any URL left
                           unrewritten points at a reserved, unresolvable name)
    RAPIDATA_CLIENT_ID / RAPIDATA_CLIENT_SECRET   read by RapidataClient() itself

Refuses to run unless the loopback guard (netguard/sitecustomize.py) is loaded.
Applies sdk_local.install() before the scenario creates its client, then runs the
scenario as __main__; an exception in it ends the process with a non-zero status.
"""

import os
import runpy
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: runner.py SCENARIO.py", file=sys.stderr)
        return 2
    if os.environ.get("NETGUARD_ACTIVE") != "1":
        print("runner: the loopback guard is not loaded (put netguard/ on PYTHONPATH)", file=sys.stderr)
        return 2
    base_url = os.environ.get("CONFORMANCE_BASE_URL")
    if not base_url:
        print("runner: CONFORMANCE_BASE_URL is not set", file=sys.stderr)
        return 2
    environment = os.environ.setdefault("RAPIDATA_ENVIRONMENT", "sandbox.invalid")

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import sdk_local

    sdk_local.install(base_url, environment)

    scenario = sys.argv[1]
    sys.argv = [scenario]
    runpy.run_path(scenario, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
