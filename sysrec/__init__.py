"""sysrec: record what a program asked the kernel over the network, and why it got what it got.

The package is a pipeline that data flows through once:
scenario -> sandbox -> tracer -> decode -> record (JSONL) -> annotate -> render.
Later stages only ever read records, so anything can be re-rendered from a file.
"""

__version__ = "0.1.0"
