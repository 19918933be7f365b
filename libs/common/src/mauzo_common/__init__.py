"""Code shared by every Mauzo package: settings, logging, events, messaging, storage, database."""
