"""What every reader sees: number formats and the message catalogues shared by app, report and CLI."""
