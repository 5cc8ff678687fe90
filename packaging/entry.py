"""The frozen app's entry script: both executables (the windowed ``MSHTDesk`` and the console ``mshtdesk``)
run the same ``ui.launcher.main`` as the ``mshtdesk`` command of a source install."""

import sys

from ui.launcher import main

if __name__ == "__main__":
    sys.exit(main())
