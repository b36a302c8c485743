"""`python -m commerce_stack.quality.report`: write the stewards' report."""

import sys

from commerce_stack.quality.report import main

sys.exit(main())
