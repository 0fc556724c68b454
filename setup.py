"""The optional C stop loop (sysrec/tracer/_stoploop.c); everything else is in pyproject.toml.
Where it cannot be built (no compiler, no Python headers) sysrec installs and runs without it."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("sysrec.tracer._stoploop", ["sysrec/tracer/_stoploop.c"],
                             extra_compile_args=["-O2"], optional=True)])
