"""`sysrec export RECORD --perfetto FILE.json --pcap FILE.pcap`: hand a record to other tools."""

from __future__ import annotations

import argparse
import importlib
import sys

from sysrec.errors import InputError
from sysrec.record import open_record


def _pcap_writer():
    """The pcap writer lives in its own module; a build without it gets a clear message."""
    try:
        module = importlib.import_module("sysrec.render.pcap")
    except ImportError:
        module = None
    writer = getattr(module, "write_pcap", None)
    if writer is None:
        raise InputError("--pcap: pcap export is not available in this sysrec (no sysrec.render.pcap.write_pcap)")
    return writer


def main(ns: argparse.Namespace) -> int:
    if not ns.perfetto and not ns.pcap:
        raise InputError("export: give --perfetto FILE.json and/or --pcap FILE.pcap")
    record = open_record(ns.record)
    if ns.perfetto:
        from sysrec.render.perfetto import write_perfetto
        count = write_perfetto(record, ns.perfetto)
        print(f"sysrec: wrote {ns.perfetto}: {count} trace events (open it in ui.perfetto.dev)", file=sys.stderr)
    if ns.pcap:
        writer = _pcap_writer()
        count = writer(record, ns.pcap)
        print(f"sysrec: wrote {ns.pcap}: {count} packets", file=sys.stderr)
    return 0
