"""The built-in forums plugin (see ``docs/forums.md``)."""
