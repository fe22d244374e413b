#!/usr/bin/env python3
"""Compare spotcheck's working-day status with the PyPI package chinese-calendar.

Usage: calendar-crosscheck.py DUMP.json FIRST_YEAR LAST_YEAR
DUMP.json is the output of `spotcheck calendar --dump-days FIRST..LAST --json`.
Exits 1 on any disagreement or missing day, printing each one.
"""
import datetime as dt
import json
import sys

import chinese_calendar


def main() -> int:
    dump_path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(dump_path, encoding="utf-8") as f:
        ours = {dt.date.fromisoformat(d["date"]): d for d in json.load(f)}
    day, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    checked, problems = 0, []
    while day <= end:
        theirs = chinese_calendar.is_workday(day)
        mine = ours.get(day)
        if mine is None:
            problems.append(f"{day}: missing from spotcheck's dump")
        elif bool(mine["working"]) != theirs:
            problems.append(
                f"{day} ({day:%a}): spotcheck says {mine['kind']} (working={mine['working']}), "
                f"chinese-calendar says working={theirs}"
            )
        checked += 1
        day += dt.timedelta(days=1)
    extra = [d for d in ours if not dt.date(first, 1, 1) <= d <= end]
    problems += [f"{d}: in spotcheck's dump but outside {first}..{last}" for d in sorted(extra)]
    version = getattr(chinese_calendar, "__version__", "?")
    if problems:
        for p in problems:
            print("DISAGREE", p)
        print(f"calendar cross-check FAILED: {len(problems)} disagreement(s) over {checked} days "
              f"(chinese-calendar {version})")
        return 1
    print(f"calendar cross-check passed: {checked} days {first}-01-01..{last}-12-31 agree "
          f"with chinese-calendar {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
