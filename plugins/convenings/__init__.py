"""The built-in convenings plugin (see ``docs/convenings.md``)."""
