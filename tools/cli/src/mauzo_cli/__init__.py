"""The mauzo command-line tool."""
