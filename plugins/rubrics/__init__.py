"""The built-in rubrics plugin (see ``docs/rubrics.md``)."""
