"""The wheel ships templates, static files and migrations, and renders a page when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_renders_a_page(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("jobbforum-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "jobbforum/templates/base.html" in names
    assert "jobbforum/static/css/site.css" in names
    assert "jobbforum/migrations/env.py" in names
    assert any(n.startswith("jobbforum/migrations/versions/") for n in names)
    assert any(n.endswith("sv/LC_MESSAGES/messages.mo") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
                   check=True, timeout=300)
    # Dependencies come from the test environment's site-packages (added after the venv's own),
    # so the only Jobbforum the new interpreter can import is the installed wheel.
    site = Path(subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = (
        "import jobbforum, pathlib; from jobbforum.app import create_app; "
        "from flask_migrate import upgrade; "
        f"app = create_app({{'TESTING': True, 'INSTANCE_PATH': r'{tmp_path / 'inst'}'}}); "
        "ctx = app.app_context(); ctx.push(); upgrade(); "
        "r = app.test_client().get('/?lang=sv'); "
        "print(jobbforum.__file__); print(r.status_code); print(r.get_data(as_text=True))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBBFORUM_")}
    result = subprocess.run([str(python), "-c", script], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    installed_file, status, body = result.stdout.split("\n", 2)
    assert installed_file.startswith(str(venv)), installed_file
    assert status == "200"
    assert "Hoppa till innehållet" in body  # templates and compiled Swedish translations
