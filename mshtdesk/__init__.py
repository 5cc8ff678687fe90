"""MSHT Desk core: domain rules, storage, services, reports and the CLI. Never imports Qt."""

__version__ = "0.1.0"
APP_NAME = "MSHTDesk"
