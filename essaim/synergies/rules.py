"""Who may do what in this app, over the one vocabulary of ``essaim.accounts.permissions``."""
