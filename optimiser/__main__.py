import sys

from optimiser.cli.main import main

sys.exit(main())
