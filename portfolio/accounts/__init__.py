"""Registration, login, passphrase change, recovery, staff second factor, roles."""
