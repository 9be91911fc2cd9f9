import sys

from listen.cli.main import main

sys.exit(main())
