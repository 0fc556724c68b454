"""Other kernels for `sysrec run --kernel`: fetch a Debian kernel package into a private cache
(spec.py, fetch.py), boot it under qemu with virtme-ng sharing this machine's root read-only
(boot.py), and let the guest run `sysrec run` itself (guest.py). Nothing is installed system-wide.
"""
