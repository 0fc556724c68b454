"""Annotate: explain what each recorded result means for the client, and why the kernel did it.

The explanations live in `rules.RULES` (data); `engine.Annotator` applies them with the context
a single event lacks (sysctls, counter deltas so far, packets seen).
"""

from sysrec.annotate.engine import Annotation, Annotator, annotate_events, event_time, header_settings
from sysrec.annotate.rules import RULES, RULES_BY_ID, Rule

__all__ = ["Annotation", "Annotator", "RULES", "RULES_BY_ID", "Rule", "annotate_events", "event_time",
           "header_settings"]
