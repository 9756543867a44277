"""Server-rendered pages: sessions, CSRF, sign-in, rendering and error pages."""
