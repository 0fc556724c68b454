"""The sandbox: one network namespace per run (plus a user namespace when not root), sysctls
written inside it only, a server started and waited for, preload steps, the traced client, and a
teardown that leaves no process behind.

Entry point for other modules: `sysrec.sandbox.runner.run_scenario(...)`, see docs/scenarios.md.
"""
