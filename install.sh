#!/bin/sh
# Installs what sysrec needs on Debian: system tools (as root, via sudo when not root), then a
# virtual environment in .venv with sysrec in it. `--test` adds the test extras and chromium.
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
if [ -n "$missing" ]; then
    as_root=""
    [ "$(id -u)" -ne 0 ] && as_root="sudo"
    $as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq $missing >/dev/null
fi
# Debian's own python3: every user can run it, also from inside a user namespace (sysrec runs
# unprivileged there), which a Python under a private home directory would not allow.
python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
# Byte-compile sysrec itself (pip did its dependencies): trace start-up is part of the overhead
# sysrec adds to a traced program, and some environments never write bytecode on their own.
.venv/bin/python -m compileall -q sysrec
