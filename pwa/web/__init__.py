"""The HTTP frame shared by all routes: rendering, CSRF, security headers, sign-in guards."""
