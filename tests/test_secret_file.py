"""No secret outlives the run: the password file written for pywikibot from
``NOTESBOT_BOTPASSWORD`` is gone after SIGTERM (what Toolforge's timeout
sends) and SIGINT, and one left by SIGKILL is removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from faultproxy import FaultPlan, FaultProxy, route_pywikibot
from scenario import NOTESBOT, Scenario

pytestmark = pytest.mark.wiki


def _secret_folders(tmp: Path) -> list[Path]:
    return [p for p in tmp.iterdir() if p.name.startswith("notesbot-secret-")]


def _start(s: Scenario, pywikibot_dir: Path, tmp: Path) -> subprocess.Popen:
    bot = s.wiki.accounts["bot"]
    env = dict(os.environ, PYWIKIBOT_DIR=str(pywikibot_dir), TMPDIR=str(tmp), NOTESBOT_BOTPASSWORD=bot.password,
               NOTESBOT_BOTPASSWORD_APPID=bot.appid)
    return subprocess.Popen([str(NOTESBOT), "--config", str(s.config_path), "run", "-always"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_folder(proc: subprocess.Popen, tmp: Path) -> Path:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        found = _secret_folders(tmp)
        if found:
            return found[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("no password folder appeared")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_password_file_is_removed_when_the_run_is_stopped(wiki, tmp_path, signum):
    s = Scenario(wiki, tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with FaultProxy(wiki.url, FaultPlan(always="delay", delay=1.0)) as proxy:
        folder_pwb = route_pywikibot(wiki.pywikibot_dir, tmp_path / "pwb", proxy.port)
        (folder_pwb / "user-password.cfg").unlink()  # the secret comes from the environment only
        proc = _start(s, folder_pwb, tmp)
        folder = _wait_for_folder(proc, tmp)
        assert (folder / "user-password.cfg").stat().st_mode & 0o077 == 0
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert not folder.exists(), err
    assert _secret_folders(tmp) == []
    assert wiki.accounts["bot"].password not in out + err


def test_a_password_file_left_by_sigkill_is_removed_by_the_next_run(wiki, tmp_path):
    s = Scenario(wiki, tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with FaultProxy(wiki.url, FaultPlan(always="delay", delay=1.0)) as proxy:
        folder_pwb = route_pywikibot(wiki.pywikibot_dir, tmp_path / "pwb", proxy.port)
        (folder_pwb / "user-password.cfg").unlink()
        proc = _start(s, folder_pwb, tmp)
        left = _wait_for_folder(proc, tmp)
        proc.kill()
        proc.communicate(timeout=60)
        assert left.exists()
        proxy.use(FaultPlan())
        nxt = _start(s, folder_pwb, tmp)
        out, err = nxt.communicate(timeout=300)
    assert nxt.returncode == 0, out + err
    assert not left.exists()
    assert _secret_folders(tmp) == []
