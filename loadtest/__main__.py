import sys

from loadtest.runner import main

sys.exit(main())
