"""ssotui: a full-screen terminal picker for AWS IAM Identity Center."""

__version__ = "0.1.0"
