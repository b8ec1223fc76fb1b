#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Totals of the TRX files of a test run. Usage: test-summary.py RESULTS_DIR PROJECT.csproj...

Prints failing tests, then, alone on the last line, "Tests: N passed, M failed". A project without a
result file (crashed or did not run) counts as one failure. Exits 1 when M > 0.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main():
    results, projects = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for project in projects:
        name = os.path.splitext(os.path.basename(project))[0]
        trx = os.path.join(results, name + ".trx")
        if not os.path.exists(trx):
            print(f"  {name}: no test results (the test host crashed or did not start)")
            failed += 1
            continue
        root = ET.parse(trx).getroot()
        counters = root.find("t:ResultSummary/t:Counters", NS)
        p = int(counters.get("passed", 0))
        f = sum(int(counters.get(k, 0)) for k in ("failed", "error", "timeout", "aborted"))
        if int(counters.get("total", 0)) == 0:
            print(f"  {name}: ran no test")
            f += 1
        for result in root.iterfind("t:Results/t:UnitTestResult", NS):
            if result.get("outcome") == "Failed":
                print(f"  FAILED {result.get('testName')}")
        print(f"  {name}: {p} passed, {f} failed")
        passed += p
        failed += f
    print(f"Tests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
