"""The JSON API kernel: operations, request handling, errors, pagination, OpenAPI."""
