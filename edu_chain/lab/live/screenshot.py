"""A picture of a web page, taken by a headless Chromium if this machine has one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def screenshot(url: str, width: int = 1100, height: int = 900) -> bytes | None:
    """PNG bytes of ``url`` as Chromium renders it, or None (saying why) without one."""
    browser = find_browser()
    if browser is None:
        print(
            "No Chromium on this machine, so no screenshot: install it (on Debian or Ubuntu: "
            "sudo apt install chromium) or open the page in your own browser."
        )
        return None
    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / "page.png"
        command = [
            browser,
            "--headless=new",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            f"--user-data-dir={folder}/profile",
            f"--window-size={width},{height}",
            f"--screenshot={picture}",
            url,
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            subprocess.run(command, capture_output=True, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            print("Chromium took more than a minute; no screenshot this time.")
            return None
        return picture.read_bytes() if picture.exists() else None
