"""Who uses Asysta: accounts, invitations, passkeys, sessions, and limits on failed attempts."""
