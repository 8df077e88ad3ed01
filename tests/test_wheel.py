"""The wheel carries every data file: built, installed without the source tree into a clean venv,
and asked a question (the dependencies come from the running environment, not the source)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(out.glob("jixiao-*.whl"))
    env_dir = out / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = Path(subprocess.check_output([env_dir / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    # The dependencies (torch, gradio, …) are this environment's; jixiao itself only the wheel's.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "--no-deps", "-q",
                    str(wheel)], check=True, timeout=600)
    return env_dir, site


def test_the_wheel_holds_every_data_file(wheel_venv):
    _, site = wheel_venv
    for data in ("app/data/vocabulary.json", "app/data/thresholds.json", "app/data/relevance.json", "index/data/stopwords.txt",
                 "corpus/data/liaocheng-2021-declarations.txt", "eval/natural-heldout.jsonl",
                 "corpus/formats/pdf.py"):  # a subpackage setuptools only ships when listed
        assert (site / data).is_file(), data


def test_the_installed_wheel_answers_a_question(wheel_venv, home, index, tmp_path):
    env_dir, site = wheel_venv
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    run = subprocess.run(
        [str(env_dir / "bin" / "jixiao"), "ask", "东昌湖维护费的联系人", "--json", "--data-dir", str(home)],
        capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout.splitlines()[-1])
    assert "刘洪林" in answer["answer"] and answer["citations"]
    where = subprocess.check_output([str(env_dir / "bin" / "python"), "-c", "import app; print(app.__file__)"], text=True, cwd=tmp_path)
    assert where.startswith(str(site)), where
