from ssotui.cli import entry

entry()
