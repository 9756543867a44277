"""Built-in plugins. Each is a package that reaches the platform only through
``plugins.api`` and the hooks, exactly as an outside plugin would."""
