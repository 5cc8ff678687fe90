"""MSHT Desk desktop UI (Qt Widgets). Nothing here runs at import time."""
