"""The programs in conf-static are linked fully static and never call the
user/group lookups that would make a static glibc dlopen an NSS module
(a crash when nsswitch.conf names a service beyond "files")."""
import subprocess

import pytest

from conftest import TOP, prog

STATIC = (TOP / "conf-static").read_text().splitlines()[0].split()
NSS_LOOKUPS = {"getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r", "getpwent", "getspnam",
               "getspnam_r", "getgrnam", "getgrnam_r", "getgrgid", "getgrgid_r",
               "initgroups", "getgrouplist"}


def test_the_list_names_real_programs():
    assert "mailsuite-smtpd" in STATIC and "mailsuite-queue" in STATIC


@pytest.mark.parametrize("name", STATIC)
def test_static_without_user_lookups(name):
    headers = subprocess.run(["readelf", "-l", prog(name)], capture_output=True, text=True,
                             check=True, timeout=30).stdout
    assert "INTERP" not in headers, f"{name} is dynamically linked"
    symbols = subprocess.run(["nm", "--defined-only", prog(name)], capture_output=True, text=True,
                             check=True, timeout=30).stdout
    defined = {line.split()[-1] for line in symbols.splitlines() if line.strip()}
    assert not (defined & NSS_LOOKUPS), f"{name} links {sorted(defined & NSS_LOOKUPS)}"
