"""Renderers: records (and the live event stream) -> text. `strace_text` prints strace's lines."""
