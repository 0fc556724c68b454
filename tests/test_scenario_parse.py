"""Scenario files: shipped ones parse; bad ones fail with the file, the key and what was expected."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import textwrap

import pytest

from sysrec.errors import InputError
from sysrec.scenario.matrix import expand, parse_pin
from sysrec.scenario.parse import load_scenario

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPPED = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.toml")))

GOOD = textwrap.dedent('''
    name = "t"
    description = "d"
    [sysctl]
    "net.core.somaxconn" = 8
    [matrix]
    "net.ipv4.tcp_abort_on_overflow" = [0, 1]
    "net.ipv4.tcp_syncookies" = [0, 1, 2]
    [server]
    probe = "listener"
    args = ["--port", "10000"]
    ready = { listen = "127.0.0.1:10000" }
    [client]
    command = ["nc", "-w", "1", "127.0.0.1", "10000"]
    [[expect]]
    when = { "net.ipv4.tcp_abort_on_overflow" = 1 }
    sequence = [ { syscall = "connect", errno = "EINPROGRESS" } ]
    [[expect]]
    counters = { TcpExtListenOverflows = ">= 1" }
''')


def write(tmp_path, text: str, name: str = "s.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def load_error(tmp_path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(path + ":"), message
    return message


@pytest.mark.parametrize("path", SHIPPED, ids=os.path.basename)
def test_shipped_scenarios_parse_and_start_with_an_explaining_comment(path):
    scenario = load_scenario(path)
    assert scenario.expectations, "a shipped scenario checks something"
    assert expand(scenario)
    with open(path) as fh:
        first = fh.readline()
    assert first.startswith("# " + scenario.name), "begins with a comment naming the failure mode"


def test_good_file_and_matrix_product(tmp_path):
    scenario = load_scenario(write(tmp_path, GOOD))
    cells = expand(scenario)
    assert len(cells) == 6
    assert cells[0].name == "tcp_abort_on_overflow=0,tcp_syncookies=0"
    assert all(c.settings["net.core.somaxconn"] == 8 for c in cells)
    assert {c.settings["net.ipv4.tcp_syncookies"] for c in cells} == {0, 1, 2}
    first, second = scenario.expectations
    assert first.applies_to({"net.ipv4.tcp_abort_on_overflow": 1})
    assert not first.applies_to({"net.ipv4.tcp_abort_on_overflow": 0})
    assert second.applies_to({"net.ipv4.tcp_abort_on_overflow": 0})


def test_pins_shrink_the_matrix_or_override_fixed_settings(tmp_path):
    scenario = load_scenario(write(tmp_path, GOOD))
    cells = expand(scenario, ["net.ipv4.tcp_abort_on_overflow=1"])
    assert [c.varied["net.ipv4.tcp_abort_on_overflow"] for c in cells] == [1, 1, 1]
    cells = expand(scenario, ["net.ipv4.tcp_abort_on_overflow=1", "net.ipv4.tcp_syncookies=2",
                              "net.core.somaxconn=1"])
    assert len(cells) == 1 and cells[0].settings["net.core.somaxconn"] == 1
    assert parse_pin("net.ipv4.tcp_fin_timeout=5") == ("net.ipv4.tcp_fin_timeout", 5)
    with pytest.raises(InputError, match="--set oops: expected NAME=VALUE"):
        parse_pin("oops")
    with pytest.raises(InputError, match="--set kernel.pid_max=5: expected a network sysctl"):
        parse_pin("kernel.pid_max=5")


def test_bare_dotted_sysctl_keys_are_read_as_names(tmp_path):
    text = GOOD.replace('"net.core.somaxconn" = 8', 'net.core.somaxconn = 8')
    scenario = load_scenario(write(tmp_path, text))
    assert dict(scenario.sysctl) == {"net.core.somaxconn": 8}


@pytest.mark.parametrize("change, expected", [
    (("[client]", "[client\n"), "TOML syntax error"),
    (('description = "d"', 'description = "d"\ncolour = "red"'), "key 'colour': expected one of the known keys"),
    (('[client]', '[client]\ntimeout = "10s"'), "key 'client.timeout': expected a number of seconds (> 0, at most 3600), got '10s'"),
    (('"net.core.somaxconn" = 8', '"net.core.somaxconn" = [8]'), "key 'sysctl.net.core.somaxconn': expected an integer or a string"),
    (('"net.core.somaxconn" = 8', '"net.ipv4.tcp_no_such_thing" = 1'), "key 'sysctl.net.ipv4.tcp_no_such_thing': expected a sysctl that exists on this kernel"),
    (('"net.core.somaxconn" = 8', '"kernel.pid_max" = 1'), "key 'sysctl.kernel.pid_max': expected a network sysctl"),
    (('command = ["nc", "-w", "1", "127.0.0.1", "10000"]', 'command = ["no-such-program-xyz"]'), "key 'client.command': expected an installed program, got 'no-such-program-xyz (not found in PATH)'"),
    (('probe = "listener"', 'probe = "listner"'), "key 'server.probe': expected one of 'listener', 'connector'"),
    (('probe = "listener"\nargs = ["--port", "10000"]', 'command = ["no-such-server-xyz", "--port", "10000"]'),
     "key 'server.command': expected an installed program, got 'no-such-server-xyz (not found in PATH)'"),
    (('ready = { listen = "127.0.0.1:10000" }', 'ready = { listen = "localhost" }'), "key 'server.ready.listen': expected \"IPv4-ADDRESS:PORT\""),
    (('TcpExtListenOverflows = ">= 1"', 'ListenOverflowz = ">= 1"'), "key 'expect[1].counters.ListenOverflowz': expected a counter of /proc/net/netstat"),
    (('TcpExtListenOverflows = ">= 1"', 'TcpExtListenOverflows = "about 3"'), "key 'expect[1].counters.TcpExtListenOverflows': expected an integer or \"OP N\""),
    (('errno = "EINPROGRESS"', 'errno = "EINPROGRES"'), "key 'expect[0].sequence[0].errno': expected an errno name"),
    (('syscall = "connect"', 'syscall = "konnect"'), "key 'expect[0].sequence[0].syscall': expected an x86-64 syscall name, got 'konnect'"),
    (('when = { "net.ipv4.tcp_abort_on_overflow" = 1 }', 'when = { "net.ipv4.tcp_fin_timeout" = 1 }'), "key 'expect[0].when.net.ipv4.tcp_fin_timeout': expected a sysctl named in [sysctl] or [matrix]"),
    (('[[expect]]\ncounters', '[[expect]]\nexit = 0\ncounters'), "key 'expect[1]': expected exactly one of sequence, absent, count, counters, exit"),
    (('probe = "listener"\n', 'probe = "listener"\ncommand = ["x"]\n'), "key 'server': expected exactly one of command"),
])
def test_bad_files_name_file_key_and_expectation(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    message = load_error(tmp_path, GOOD.replace(old, new, 1))
    assert expected in message


def test_missing_file_and_missing_client(tmp_path):
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(str(tmp_path / "nope.toml"))
    message = load_error(tmp_path, 'name = "x"\ndescription = "y"\n')
    assert "key 'client': expected a [client] table" in message


def test_cli_exits_2_with_the_message_and_runs_nothing(tmp_path):
    path = write(tmp_path, GOOD.replace('"net.core.somaxconn" = 8', '"net.ipv4.tcp_no_such_thing" = 1'))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "sysrec", "run", path, "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert f"sysrec: {path}: key 'sysctl.net.ipv4.tcp_no_such_thing'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.rglob("*.jsonl"))


PLACEHOLDERS = GOOD.replace('args = ["--port", "10000"]', 'args = ["--host", "{server_ip}", "--port", "10000"]') \
    .replace('ready = { listen = "127.0.0.1:10000" }', 'ready = { listen = "{server_ip}:10000" }') \
    .replace('command = ["nc", "-w", "1", "127.0.0.1", "10000"]',
             'command = ["sh", "-c", "nc -s {client_ip} {server_ip} 10000; echo ${HOME} {a,b} {server_ip6}"]')


@pytest.mark.parametrize("link, server, client, server6", [
    ("", "127.0.0.1", "127.0.0.1", "::1"),
    ("[link]\ndelay_ms = 5\n", "10.0.0.1", "10.0.0.2", "fd00::1"),
])
def test_placeholders_name_the_hosts_with_and_without_a_link(tmp_path, link, server, client, server6):
    scenario = load_scenario(write(tmp_path, PLACEHOLDERS + link))
    assert scenario.server.command.argv == ("--host", server, "--port", "10000")
    assert scenario.server.ready_listen == (server, 10000)
    # shell braces are the shell's: only {server_…} / {client_…} are ours
    assert scenario.client.command.argv[2] == f"nc -s {client} {server} 10000; echo ${{HOME}} {{a,b}} {server6}"


def test_an_unknown_placeholder_is_named_with_the_known_ones(tmp_path):
    message = load_error(tmp_path, PLACEHOLDERS.replace("{client_ip}", "{client_addr}"))
    assert "key 'client.command'" in message
    assert "{client_addr}" in message and "{server_ip}" in message and "{client_ip6}" in message


def test_stagger_needs_several_instances_and_a_sane_value(tmp_path):
    assert "key 'client.stagger_ms'" in load_error(tmp_path, GOOD.replace("[client]", "[client]\nstagger_ms = 20"))
    message = load_error(tmp_path, GOOD.replace("[client]", "[client]\ncount = 4\nstagger_ms = -1"))
    assert "key 'client.stagger_ms'" in message and "got int -1" in message
    scenario = load_scenario(write(tmp_path, GOOD.replace("[client]", "[client]\ncount = 4\nstagger_ms = 15")))
    assert (scenario.client.count, scenario.client.stagger_ms) == (4, 15.0)


FIREWALL = GOOD.replace('[server]', '[link]\ndelay_ms = 0\n[server]') \
    .replace('"net.ipv4.tcp_syncookies" = [0, 1, 2]',
             '"link.server_input" = ["-p tcp -j DROP", "-p tcp -j REJECT --reject-with tcp-reset"]')


def test_a_firewall_rule_per_cell_is_a_matrix_axis_that_no_sysctl_write_sees(tmp_path):
    scenario = load_scenario(write(tmp_path, FIREWALL.replace(
        'when = { "net.ipv4.tcp_abort_on_overflow" = 1 }', 'when = { "link.server_input" = "-p tcp -j DROP" }')))
    cells = expand(scenario)
    assert len(cells) == 4
    rules = {cell.settings["link.server_input"] for cell in cells}
    assert rules == {"-p tcp -j DROP", "-p tcp -j REJECT --reject-with tcp-reset"}
    assert len({cell.name for cell in cells}) == 4
    from sysrec.sandbox.worker import _sysctls
    assert all(set(_sysctls(cell.settings)) == {"net.core.somaxconn", "net.ipv4.tcp_abort_on_overflow"}
               for cell in cells)
    fixed = load_scenario(write(tmp_path, GOOD.replace('[server]', '[link]\ndelay_ms = 0\n'
                                                       'server_input = "-p tcp -j DROP"\n[server]')))
    assert fixed.link.server_input == "-p tcp -j DROP"


@pytest.mark.parametrize("rule, key", [
    ('"-p tcp -j DROP; reboot"', "matrix.link.server_input[0]"),           # no shell
    ('"-p tcp --dport 10000"', "matrix.link.server_input[0]"),             # no target
    ('"-F"', "matrix.link.server_input[0]"),                               # a command, not a rule
    ('"-t nat -j DROP"', "matrix.link.server_input[0]"),                   # another table
    ('"-i lo -j DROP"', "matrix.link.server_input[0]"),                    # the interface is sysrec's
    ('"-p tcp -j REJECT --reject-with \'tcp-reset"', "matrix.link.server_input[0]"),  # unbalanced quote
    ('3', "matrix.link.server_input[0]"),
])
def test_a_bad_firewall_rule_names_its_key(tmp_path, rule, key):
    text = FIREWALL.replace('"-p tcp -j DROP", ', rule + ", ")
    message = load_error(tmp_path, text)
    assert f"key '{key}'" in message and "iptables match and target options" in message


def test_a_firewall_rule_needs_a_link(tmp_path):
    text = FIREWALL.replace('[link]\ndelay_ms = 0\n', '')
    assert "key 'matrix.link.server_input': expected a [link] table" in load_error(tmp_path, text)
    text = GOOD.replace('[server]', '[link]\ndelay_ms = 0\nserver_input = "-j DROP | cat"\n[server]')
    assert "key 'link.server_input'" in load_error(tmp_path, text)


ROUTER = GOOD.replace('[server]', '[link]\ndelay_ms = 0\npath_mtu = 1280\n[server]') \
    .replace('"net.ipv4.tcp_syncookies" = [0, 1, 2]', '"link.icmp" = ["allowed", "blocked"]')


def test_a_router_with_a_narrow_path_and_its_icmp_per_cell(tmp_path):
    scenario = load_scenario(write(tmp_path, ROUTER.replace(
        'when = { "net.ipv4.tcp_abort_on_overflow" = 1 }', 'when = { "link.icmp" = "blocked" }')))
    assert scenario.link.path_mtu == 1280 and scenario.link.icmp == "allowed"
    cells = expand(scenario)
    assert {cell.settings["link.icmp"] for cell in cells} == {"allowed", "blocked"}
    assert any("icmp=blocked" in cell.name.split(",") for cell in cells)
    from sysrec.sandbox.worker import _sysctls
    assert all("link.icmp" not in _sysctls(cell.settings) for cell in cells)
    fixed = load_scenario(write(tmp_path, GOOD.replace('[server]', '[link]\ndelay_ms = 0\npath_mtu = 1400\n'
                                                       'icmp = "blocked"\n[server]')))
    assert (fixed.link.path_mtu, fixed.link.icmp) == (1400, "blocked")


@pytest.mark.parametrize("link, key, expected", [
    ('path_mtu = 1500', "link.path_mtu", "an MTU in bytes from 576 to 1499"),
    ('path_mtu = 100', "link.path_mtu", "an MTU in bytes from 576 to 1499"),
    ('path_mtu = "1280"', "link.path_mtu", "an MTU in bytes"),
    ('icmp = "blocked"', "link.icmp", "path_mtu alongside"),
    ('path_mtu = 1280\nicmp = "dropped"', "link.icmp", '"allowed" or "blocked"'),
])
def test_bad_router_keys_name_their_key(tmp_path, link, key, expected):
    text = GOOD.replace('[server]', f'[link]\ndelay_ms = 0\n{link}\n[server]')
    message = load_error(tmp_path, text)
    assert f"key '{key}': expected {expected}" in message


def test_an_icmp_axis_needs_a_router(tmp_path):
    message = load_error(tmp_path, ROUTER.replace('path_mtu = 1280\n', ''))
    assert "key 'matrix.link.icmp': expected a [link] table with path_mtu" in message
    message = load_error(tmp_path, ROUTER.replace('["allowed", "blocked"]', '["allowed", "open"]'))
    assert "key 'matrix.link.icmp[1]'" in message


# --- a value per cell for the programs: [matrix] "var.NAME" and {var.NAME} ------------------------

VARIABLE = GOOD.replace('"net.ipv4.tcp_syncookies" = [0, 1, 2]', '"var.user_timeout_ms" = [0, 1500]').replace(
    'command = ["nc", "-w", "1", "127.0.0.1", "10000"]',
    'probe = "talker"\nargs = ["--port", "10000", "--user-timeout", "{var.user_timeout_ms}", "connect"]')


def test_a_variable_axis_fills_the_programs_arguments_and_is_no_sysctl(tmp_path):
    scenario = load_scenario(write(tmp_path, VARIABLE.replace(
        'when = { "net.ipv4.tcp_abort_on_overflow" = 1 }', 'when = { "var.user_timeout_ms" = 1500 }')))
    cells = expand(scenario)
    assert [c.name for c in cells][:2] == ["tcp_abort_on_overflow=0,user_timeout_ms=0",
                                           "tcp_abort_on_overflow=0,user_timeout_ms=1500"]
    argv = scenario.client.command.resolve(cells[1].settings)
    assert argv[-3:] == ["--user-timeout", "1500", "connect"]
    assert scenario.client.command.argv[-2] == "{var.user_timeout_ms}", "the parsed scenario keeps the placeholder"
    from sysrec.sandbox.worker import _sysctls
    assert set(_sysctls(cells[1].settings)) == {"net.core.somaxconn", "net.ipv4.tcp_abort_on_overflow"}
    assert scenario.expectations[0].applies_to(cells[1].settings)
    assert not scenario.expectations[0].applies_to(cells[0].settings)
    pinned = expand(scenario, ["var.user_timeout_ms=800"])
    assert {c.settings["var.user_timeout_ms"] for c in pinned} == {800}


@pytest.mark.parametrize("old, new, expected", [
    ('"{var.user_timeout_ms}"', '"{var.user_timeout}"',
     "key 'client.args[3]': expected a {var.NAME} placeholder whose \"var.NAME\" is a [matrix] key, got '{var.user_timeout}'"),
    ('"var.user_timeout_ms" = [0, 1500]', '"var.User-Timeout" = [0, 1500]',
     "key 'matrix.var.User-Timeout': expected a variable named var.NAME"),
    ('"var.user_timeout_ms" = [0, 1500]', '"var.user_timeout_ms" = []',
     "key 'matrix.var.user_timeout_ms': expected a non-empty list of values"),
])
def test_a_bad_variable_names_its_key(tmp_path, old, new, expected):
    assert old in VARIABLE
    assert expected in load_error(tmp_path, VARIABLE.replace(old, new))


def test_a_pin_names_only_the_scenarios_variables(tmp_path):
    scenario = load_scenario(write(tmp_path, VARIABLE))
    with pytest.raises(InputError, match=r"--set var.nope=1: expected a variable of the scenario's \[matrix\] "
                                         r"\(var.user_timeout_ms\)"):
        expand(scenario, ["var.nope=1"])


# --- packets and durations in expectations ------------------------------------------------------

@pytest.mark.parametrize("expect, expected", [
    ('packets = { dir = "out", flags = "SYN" }\ntimes = 3', None),
    ('packets = { dir = "in", flags = ["SYN", "ACK"], len = 0 }\nat = [0, 1, 3]\ntolerance = 0.3', None),
    ('sequence = [ { syscall = "connect", duration = [">= 2.5", "<= 3.5"] } ]', None),
    ('packets = { dir = "sideways" }\ntimes = 1', "key 'expect[2].packets.dir': expected one of 'in', 'out', 'host'"),
    ('packets = { flags = "SYN|ACKK" }\ntimes = 1', "key 'expect[2].packets.flags': expected TCP flags"),
    ('packets = { port = 1 }\ntimes = 1', "key 'expect[2].packets.port': expected one of the known keys"),
    ('packets = { dir = "in" }', "key 'expect[2]': expected exactly one of times = N or at = [SECONDS, ...]"),
    ('packets = { dir = "in" }\ntimes = 1\nat = [0]', "key 'expect[2]': expected exactly one of times"),
    ('packets = { dir = "in" }\nat = [1, 2]', "key 'expect[2].at': expected a list of seconds after the first"),
    ('packets = { dir = "in" }\nat = [0, 2, 1]', "key 'expect[2].at': expected a list of seconds"),
    ('packets = { dir = "in" }\nat = [0]\ntolerance = 0', "key 'expect[2].tolerance': expected seconds (> 0"),
    ('packets = { dir = "in" }\ntimes = 1\ntolerance = 1', "key 'expect[2].tolerance': expected tolerance only together with at"),
    ('exit = 0\nat = [0]', "key 'expect[2].at': expected at only together with packets"),
    ('sequence = [ { syscall = "connect", duration = 3 } ]', "key 'expect[2].sequence[0].duration': expected \"OP SECONDS\""),
])
def test_packet_and_duration_checks_are_validated(tmp_path, expect, expected):
    text = GOOD + "[[expect]]\n" + expect + "\n"
    if expected is None:
        assert load_scenario(write(tmp_path, text)).expectations[2]
    else:
        assert expected in load_error(tmp_path, text)


CLIENT_ARGS = GOOD.replace('"net.ipv4.tcp_syncookies" = [0, 1, 2]',
                           '"client.args" = ["--keepalive 1,1,3", "--keepalive 1,1,3 --user-timeout \'2500\'"]') \
    .replace('command = ["nc", "-w", "1", "127.0.0.1", "10000"]',
             'probe = "talker"\nargs = ["--port", "10000", "connect", "recv"]')


def test_client_arguments_per_cell_are_a_matrix_axis_added_to_the_argv(tmp_path):
    from sysrec.sandbox.worker import RunJob, _sysctls, client_argv
    scenario = load_scenario(write(tmp_path, CLIENT_ARGS.replace(
        'when = { "net.ipv4.tcp_abort_on_overflow" = 1 }', 'when = { "client.args" = "--keepalive 1,1,3" }')))
    cells = expand(scenario)
    assert sorted(cell.name for cell in cells)[:2] == [
        "tcp_abort_on_overflow=0,args=--keepalive_1_1_3",
        "tcp_abort_on_overflow=0,args=--keepalive_1_1_3_--user-timeout_2500_"]
    assert all(set(_sysctls(cell.settings)) == {"net.core.somaxconn", "net.ipv4.tcp_abort_on_overflow"}
               for cell in cells)
    selected = [cell.name for cell in cells if scenario.expectations[0].applies_to(cell.settings)]
    assert selected == ["tcp_abort_on_overflow=0,args=--keepalive_1_1_3", "tcp_abort_on_overflow=1,args=--keepalive_1_1_3"]
    job = RunJob(scenario=scenario, cell=cells[1], run=1, record_path=str(tmp_path / "run-1.jsonl"), capture=False)
    argv = client_argv(job)
    assert argv[-6:] == ["connect", "recv", "--keepalive", "1,1,3", "--user-timeout", "2500"], argv


@pytest.mark.parametrize("value, why", [
    ('""', "not empty"),
    ('"--keepalive \'1"', "No closing quotation"),
    ('3', "got int 3"),
])
def test_bad_client_arguments_name_their_key(tmp_path, value, why):
    message = load_error(tmp_path, CLIENT_ARGS.replace('"--keepalive 1,1,3", ', value + ", "))
    assert "key 'matrix.client.args[0]': expected the client's extra arguments" in message and why in message


def test_duration_bounds_a_call_in_seconds(tmp_path):
    text = GOOD.replace('errno = "EINPROGRESS" }', 'errno = "EINPROGRESS", duration = [">= 3.5", "< 5"] }')
    matcher = load_scenario(write(tmp_path, text)).expectations[0].sequence[0]
    assert [(b.op, b.value) for b in matcher.duration] == [(">=", 3.5), ("<", 5.0)]
    assert "duration=>= 3.5|< 5" in str(matcher)


@pytest.mark.parametrize("value", ['3', '"== 3"', '"about 3 s"', '[]', '[">= 1", 2]', '"-1"'])
def test_a_bad_duration_names_its_key(tmp_path, value):
    text = GOOD.replace('errno = "EINPROGRESS" }', f'errno = "EINPROGRESS", duration = {value} }}')
    message = load_error(tmp_path, text)
    assert "key 'expect[0].sequence[0].duration': expected \"OP SECONDS\"" in message or \
        "key 'expect[0].sequence[0].duration': expected at least one bound" in message, message
