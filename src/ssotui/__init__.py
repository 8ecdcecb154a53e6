"""ssotui: a full-screen terminal picker for AWS IAM Identity Center."""

__version__ = "0.1.0"

import logging as _logging

# Library logging stays silent unless `--debug` configures a handler; without this,
# Python's last-resort handler would print every warning a second time.
_logging.getLogger("ssotui").addHandler(_logging.NullHandler())
