"""Built-in plugins. Each is a package that reaches the platform only through
``core.plugin_api`` and the hooks, exactly as an outside plugin would."""
