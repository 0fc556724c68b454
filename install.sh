#!/bin/sh
# Installs what sysrec needs on Debian: system tools (as root, via sudo when not root), then a
# virtual environment in .venv with sysrec in it. `--test` adds the test extras, chromium and what
# booting other kernels needs (qemu, kmod, udev, busybox-static; virtme-ng comes with the extras).
set -eu
cd "$(dirname "$0")"
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
packages="python3-venv strace netcat-openbsd ruby curl tcpdump iproute2 iptables procps util-linux"
# The tests also open the HTML report in a headless browser (tests/test_report_html.py).
[ -n "$extras" ] && packages="$packages chromium"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# `sysrec run --kernel` (tests/test_kernels.py) boots Debian kernels in qemu through virtme-ng,
# which needs depmod (kmod), udevd (udev) and a static busybox for its initramfs; without their
# recommends (qemu's pull in a desktop's worth of packages).
kernel_packages=""
if [ -n "$extras" ]; then
    for p in qemu-system-x86 kmod udev busybox-static; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || kernel_packages="$kernel_packages $p"
    done
fi
as_root=""
[ "$(id -u)" -ne 0 ] && as_root="sudo"
if [ -n "$missing$kernel_packages" ]; then
    $as_root apt-get update -qq
fi
if [ -n "$missing" ]; then
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing >/dev/null
fi
if [ -n "$kernel_packages" ]; then
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $kernel_packages >/dev/null
fi
# Debian's own python3: every user can run it, also from inside a user namespace (sysrec runs
# unprivileged there), which a Python under a private home directory would not allow.
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
[ -x .venv/bin/python ] || "$python" -m venv .venv
# editable_mode=compat: the source tree goes on sys.path through a plain .pth line. The default
# mode installs an import finder instead, which `site` loads in every run (pathlib, urllib.parse,
# fnmatch, re: ~20 ms before sysrec's first line, on every traced program's start).
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras" --config-settings editable_mode=compat
# Byte-compile sysrec itself (pip did its dependencies): trace start-up is part of the overhead
# sysrec adds to a traced program, and some environments never write bytecode on their own.
.venv/bin/python -m compileall -q sysrec
