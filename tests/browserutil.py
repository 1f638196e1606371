"""Where Debian's Chromium and its driver are, and why a browser test cannot run here.

A plain module (not a test module): the browser test modules and conftest's ``driver``
fixture share it.
"""

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def browser_missing() -> str | None:
    """Why headless Chromium cannot be driven here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (DRIVER, "chromium-driver")):
        if not shutil.which(path):
            return f"{path} not found: install Debian's {package} (apt-get install {package})"
    return None
