"""``python -m edu_chain`` is the same as the ``edu-chain`` command."""

import sys

from .cli import main

sys.exit(main())
