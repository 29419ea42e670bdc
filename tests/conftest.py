from __future__ import annotations

import os

os.environ["LC_ALL"] = "C"
