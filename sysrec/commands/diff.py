"""`sysrec diff A B`: exit 0 when the records match after normalization, 1 when they differ."""

from __future__ import annotations

import argparse
import json
import sys

from sysrec.render.diff import diff_paths, print_diff


def main(ns: argparse.Namespace) -> int:
    result = diff_paths(ns.a, ns.b)
    try:
        if ns.json:
            sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
        else:
            print_diff(result)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()  # `sysrec diff A B | head`: the reader left; the verdict still stands
    return 0 if result.equal else 1
