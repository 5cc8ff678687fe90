import sys

from mshtdesk.cli import main

sys.exit(main())
