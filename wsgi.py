"""The WSGI entry point: gunicorn wsgi:app, flask --app wsgi ..."""

import sys

from market import create_app
from market.config import UnsafeConfiguration

try:
    app = create_app()
except UnsafeConfiguration as refusal:
    print(f"refusing to start: {refusal}", file=sys.stderr)
    # 3 is what gunicorn calls "worker failed to boot": it stops instead of starting the worker
    # again and again (gunicorn.conf.py normally refuses earlier, in the master). For flask and
    # python it is simply a failed start.
    sys.exit(3)
