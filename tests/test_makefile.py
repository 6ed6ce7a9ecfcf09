"""The Makefile's own checks, run with the real make."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args],
                          capture_output=True, text=True, timeout=30)


def test_install_says_first_when_the_disk_is_too_full_for_it() -> None:
    short = make("disk-space", "MIN_FREE_MB=999999999")
    assert short.returncode != 0
    assert "needs about 999999999 MB free" in short.stderr
    assert str(ROOT) in short.stderr and "MB." in short.stderr

    enough = make("disk-space", "MIN_FREE_MB=1")
    assert enough.returncode == 0, enough.stderr
    assert enough.stderr == ""


def test_browser_setup_without_root_says_what_to_install(tmp_path) -> None:
    # As a user who is not root and has no sudo, apt-get could only fail: the message says what to do.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text("#!/bin/sh\necho 1000\n")
    (fake / "id").chmod(0o755)
    result = subprocess.run([shutil.which("make"), "--no-print-directory", "-C", str(ROOT), "browser",
                             f"CHROMIUM={tmp_path / 'no-chromium'}"],
                            capture_output=True, text=True, timeout=30, env={"PATH": str(fake)})
    assert result.returncode != 0
    assert "install Debian's chromium package" in result.stderr and "CHROMIUM=" in result.stderr
