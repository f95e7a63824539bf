"""The platform branches (Windows, macOS, Linux), each run here with its probes injected."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from commresp.workspace import filesystems, libreoffice, protection

# --- LibreOffice discovery ---------------------------------------------------------------


def no_which(name):
    return None


def test_soffice_from_path_first():
    found = libreoffice.find_soffice(
        which=lambda name: "/opt/lo/soffice" if name == "soffice" else None
    )
    assert found == libreoffice.Found("/opt/lo/soffice", "PATH")


def test_soffice_in_a_windows_program_files_tree(tmp_path):
    program_files = tmp_path / "Program Files"
    exe = program_files / "LibreOffice" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"MZ")
    environ = {"ProgramFiles": str(program_files), "ProgramFiles(x86)": str(tmp_path / "x86")}

    def is_file(text):  # the Windows path, as the laid-out folder on this machine
        return Path(text.replace("\\", "/")).is_file()

    found = libreoffice.find_soffice(
        platform="win32", environ=environ, which=no_which, is_file=is_file
    )
    assert found is not None and found.how == "standard place"
    assert found.path.replace("\\", "/") == str(exe)


def test_soffice_in_the_32_bit_program_files(tmp_path):
    x86 = tmp_path / "Program Files (x86)"
    exe = x86 / "LibreOffice" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"MZ")
    environ = {"ProgramFiles": str(tmp_path / "Program Files"), "ProgramFiles(x86)": str(x86)}
    found = libreoffice.find_soffice(
        platform="win32",
        environ=environ,
        which=no_which,
        is_file=lambda text: Path(text.replace("\\", "/")).is_file(),
    )
    assert found is not None and found.path.replace("\\", "/") == str(exe)


def test_soffice_in_a_macos_app_bundle(tmp_path):
    home = tmp_path / "home"
    exe = home / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"#!")
    found = libreoffice.find_soffice(
        platform="darwin", environ={"HOME": str(home)}, which=no_which, is_file=os.path.isfile
    )
    assert found == libreoffice.Found(str(exe), "standard place")


def test_soffice_from_the_profile_wins_and_a_missing_one_is_named(tmp_path):
    exe = tmp_path / "soffice"
    exe.write_bytes(b"#!")
    assert libreoffice.find_soffice(str(exe), which=lambda n: "/usr/bin/soffice").how == "profile"
    missing = libreoffice.find_soffice(str(tmp_path / "nope"), which=lambda n: "/usr/bin/soffice")
    assert missing.how == "profile (missing)"


def test_no_soffice_anywhere_and_the_hint_names_the_platform():
    assert (
        libreoffice.find_soffice(
            platform="win32", environ={}, which=no_which, is_file=lambda p: False
        )
        is None
    )
    assert "winget" in libreoffice.install_hint("win32")
    assert "brew" in libreoffice.install_hint("darwin")
    assert "apt" in libreoffice.install_hint("linux")


# --- network filesystems -----------------------------------------------------------------

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
server:/export/mission /mnt/share nfs4 rw,vers=4.2 0 0
//fs01/diplomats /mnt/smb\\040drive cifs rw 0 0
/dev/sdb1 /mnt/share/local ext4 rw 0 0
"""


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/home/ana/mission", None),
        ("/mnt/share/mission", "nfs4"),
        ("/mnt/smb drive/mission", "cifs"),
        ("/mnt/share/local/mission", None),  # a local disk mounted inside the share
    ],
)
def test_linux_network_filesystems_from_the_mount_table(path, expected):
    assert (
        filesystems.network_filesystem(Path(path), platform="linux", read_mounts=lambda: MOUNTS)
        == expected
    )


def test_macos_network_filesystems_from_mount():
    output = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//ana@fs01/Diplomats on /Volumes/Diplomats (smbfs, nodev, nosuid, mounted by ana)\n"
    )
    probe = {"platform": "darwin", "run_mount": lambda: output}
    assert filesystems.network_filesystem(Path("/Volumes/Diplomats/mission"), **probe) == "smbfs"
    assert filesystems.network_filesystem(Path("/Users/ana/mission"), **probe) is None


def test_windows_shares_unc_and_mapped_drives():
    types = {"Z:\\": filesystems.DRIVE_REMOTE, "C:\\": 3}
    probe = {"platform": "win32", "drive_type": lambda root: types.get(root, 3)}
    assert filesystems.network_filesystem(Path("//fs01/diplomats/mission"), **probe) == "unc"
    assert filesystems.windows_type(Path("Z:\\mission"), types.get) == "remote drive"
    assert filesystems.windows_type(Path("C:\\Users\\ana\\mission"), types.get) == "local"


def test_this_machine_temporary_folder_is_local(tmp_path):
    assert filesystems.network_filesystem(tmp_path) is None


# --- owner-only files ---------------------------------------------------------------------


def test_posix_secret_is_private_from_its_first_byte(tmp_path):
    secret = tmp_path / "secret"
    protection.create_private(secret, b"abc")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert protection.owner_only_problem(secret) is None
    secret.chmod(0o644)
    assert protection.owner_only_problem(secret) == "can be read by other users (mode 0644)"


def test_windows_secret_gets_an_owner_only_acl(tmp_path):
    calls = []
    secret = tmp_path / "secret"
    protection.create_private(
        secret, b"abc", platform="win32", run=lambda args: calls.append(list(args)) or ""
    )
    assert calls == [[str(secret), "/inheritance:r", "/grant:r", f"{protection.current_user()}:F"]]
    assert secret.read_bytes() == b"abc"


ICACLS_PRIVATE = """C:\\ws\\.commresp-secret OFFICE\\ana:(F)
                         NT AUTHORITY\\SYSTEM:(F)
                         BUILTIN\\Administrators:(F)

Successfully processed 1 files; Failed processing 0 files
"""
ICACLS_SHARED = """C:\\ws\\.commresp-secret OFFICE\\ana:(F)
                         BUILTIN\\Users:(RX)
                         Everyone:(R)

Successfully processed 1 files; Failed processing 0 files
"""


def test_windows_acl_check_reads_icacls():
    assert protection.windows_acl_problem(ICACLS_PRIVATE, "ana") is None
    problem = protection.windows_acl_problem(ICACLS_SHARED, "ana")
    assert problem == "can also be read by BUILTIN\\Users, Everyone"
    probe = {"platform": "win32", "run": lambda args: ICACLS_SHARED, "user": "ana"}
    assert protection.owner_only_problem(Path("C:/ws/.commresp-secret"), **probe) == problem


def test_windows_acl_first_entry_shares_the_line_with_the_file_name():
    """icacls prints the first entry after the file name, which may hold spaces."""
    name = "C:\\Users\\Ana Lopez\\mission\\.commresp-secret"
    output = (
        f"{name} BUILTIN\\Users:(I)(RX)\n      OFFICE\\ana:(F)\n\nSuccessfully processed 1 files\n"
    )
    assert (
        protection.windows_acl_problem(output, "ana", name) == "can also be read by BUILTIN\\Users"
    )
    assert protection.windows_acl_problem(output, "ana") is not None  # no name given: still seen
    denied = f"{name} OFFICE\\ana:(F)\n      Everyone:(DENY)(R)\n"
    assert protection.windows_acl_problem(denied, "ana", name) is None
